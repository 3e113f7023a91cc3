"""What the web server refuses before any handler runs: oversized request bodies and file uploads.

The page takes a question and a bounded conversation, never a file, so a visitor can neither
fill the disk through Gradio's upload route nor make the server read a huge body.
"""
from __future__ import annotations

import json

MAX_BODY_BYTES = 1_000_000  # a question plus the conversation the page sends back with it


class RequestLimits:
    """ASGI middleware: 413 for a body over max_body bytes (declared or streamed), 403 for uploads."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].rstrip("/").endswith("/upload"):
            return await _refuse(send, 403, "This app takes no files.")
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_body:
            return await _refuse(send, 413, f"A request may carry at most {self.max_body:,} bytes.")
        seen, too_large, started = 0, False, False

        async def bounded_receive():
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    too_large = True  # the handler sees the client leave; this middleware answers instead
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _refuse(send, 413, f"A request may carry at most {self.max_body:,} bytes.")


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
