"""How much one visitor may ask of the server (questions, note pages): a token bucket per client, so
that nobody can make the server slow for everyone else, with a wait a person can read."""
from __future__ import annotations

import ipaddress
import threading
import time

MAX_CLIENTS = 10_000  # buckets kept; the oldest are forgotten first


class RateLimiter:
    """per_minute questions a minute on average, up to burst at once."""

    def __init__(self, per_minute: int, burst: int | None = None, clock=time.monotonic):
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self.rate, self.burst, self.clock = per_minute / 60.0, float(burst or per_minute), clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    def wait(self, client: str, cost: float = 1.0) -> float:
        """0 if the client may go ahead now (and takes cost tokens, at most a burst's), else the
        seconds until it may."""
        cost = min(cost, self.burst)
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= cost:
                self._buckets[client] = (tokens - cost, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.pop(next(iter(self._buckets)))
            return (cost - tokens) / self.rate


def client_of(host: str | None, forwarded_for: str | None) -> str:
    """Who is asking: the connecting address, or, behind a proxy on a private address (a Space),
    the address that proxy added last to X-Forwarded-For (the first ones are the client's to invent)."""
    host = host or "unknown"
    try:
        behind_proxy = ipaddress.ip_address(host).is_private
    except ValueError:
        behind_proxy = False
    if behind_proxy and forwarded_for:
        return forwarded_for.split(",")[-1].strip() or host
    return host
