"""The server refuses what the page never sends: uploads and oversized bodies, declared or streamed."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ask.http import RequestLimits


async def _echo_size(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


def _client(limit: int = 1000) -> TestClient:
    app = Starlette(routes=[Route("/{path:path}", _echo_size, methods=["GET", "POST"])])
    return TestClient(RequestLimits(app, max_body=limit))


def test_a_body_within_the_limit_reaches_the_handler():
    assert _client().post("/gradio_api/call/ask", content=b"x" * 1000).text == "1000"


def test_a_declared_oversized_body_is_refused_before_it_is_read():
    response = _client().post("/gradio_api/call/ask", content=b"x" * 1001)
    assert (response.status_code, response.json()) == (413, {"error": "A request may carry at most 1,000 bytes."})


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit():
    def chunks():
        for _ in range(100):
            yield b"x" * 100
    response = _client().post("/gradio_api/queue/join", content=chunks())
    assert response.status_code == 413


def test_uploads_are_refused_whatever_their_size():
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/upload"):
        response = _client().post(path, files={"files": ("a.txt", b"tiny")})
        assert (response.status_code, response.json()) == (403, {"error": "This app takes no files."})
