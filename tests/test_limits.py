"""Questions per visitor: a token bucket with a wait a person can read."""
from __future__ import annotations

import pytest

from ask.limits import RateLimiter, client_of


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_burst_is_allowed_then_the_client_waits_for_the_next_token():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, clock=clock)
    assert [limiter.wait("a"), limiter.wait("a")] == [0.0, 0.0]
    assert limiter.wait("a") == pytest.approx(10.0)
    assert limiter.wait("b") == 0.0  # another visitor is not held up
    clock.now = 10.0
    assert limiter.wait("a") == 0.0


def test_the_client_is_the_proxys_last_forwarded_address_only_behind_a_private_proxy():
    assert client_of("10.0.0.5", "6.6.6.6, 8.8.4.4") == "8.8.4.4"
    assert client_of("8.8.4.4", "6.6.6.6") == "8.8.4.4"  # a public peer cannot claim another address
    assert client_of(None, None) == "unknown"


def test_a_costly_request_takes_more_tokens_and_waits_longer():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    assert limiter.wait("a", cost=50) == 0.0
    assert limiter.wait("a", cost=20) == pytest.approx(10.0)  # 10 tokens left, 10 more at one a second
    assert limiter.wait("a", cost=1000) == pytest.approx(50.0)  # never more than a whole burst
