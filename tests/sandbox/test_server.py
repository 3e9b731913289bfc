"""start_server: any ASGI app on a free port, in a daemon thread."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from sandbox import Sandbox, start_server


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def test_serves_on_a_free_port_until_stopped() -> None:
    app = Starlette(routes=[Route("/", hello)])
    with start_server(app) as first, start_server(app) as second:
        assert first.port != second.port and first.port > 0
        assert first.url == f"http://127.0.0.1:{first.port}"
        assert httpx.get(first.url).text == "hello"
        assert httpx.get(second.url).text == "hello"
    with pytest.raises(httpx.ConnectError):
        httpx.get(first.url, timeout=1)


def test_sandbox_start_and_stop() -> None:
    with Sandbox.start(bot_token="xoxb-other") as sandbox:
        assert sandbox.api_url == sandbox.url + "/api/"
        assert sandbox.state.base_url == sandbox.url
        answer = httpx.post(
            sandbox.api_url + "auth.test", headers={"Authorization": "Bearer xoxb-other"}
        )
        assert answer.json()["ok"] is True
