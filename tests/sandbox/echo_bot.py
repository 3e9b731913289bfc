"""A stand-in bot for the sandbox's own tests: a Starlette app that records each signed
request it gets and answers with a hook, which may call the sandbox back while the
request is still open."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response


@dataclass
class Received:
    headers: dict[str, str]
    body: str

    @property
    def payload(self) -> dict[str, Any]:
        if self.headers["content-type"].startswith("application/json"):
            return dict(json.loads(self.body))
        form = {k: v[0] for k, v in parse_qs(self.body).items()}
        return dict(json.loads(form["payload"])) if "payload" in form else form


Hook = Callable[[Received], Response]


class EchoBot:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.hook: Hook | None = None

    async def events(self, request: Request) -> Response:
        got = Received(dict(request.headers), (await request.body()).decode())
        self.received.append(got)
        if self.hook is None:
            return Response(status_code=200)
        return await run_in_threadpool(self.hook, got)

    @property
    def last(self) -> dict[str, Any]:
        return self.received[-1].payload
