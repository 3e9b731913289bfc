"""`POST /slack/events`: Slack's signed requests, capped, handed to Bolt."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from slack_bolt import App, BoltRequest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.api.reading import read_capped, too_large
from bot.foreground import Foreground

BAD_SIGNATURE = {"error": "invalid request signature or timestamp"}
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def slack_endpoint(
    bolt: App | None, foreground: Foreground | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """`foreground`: each request counts as waiting until its answer is ready, so
    background work gives way to it (bot/foreground.py)."""
    gate = foreground or Foreground()

    async def slack_events(request: Request) -> Response:
        if bolt is None:
            return JSONResponse({"error": "Slack events arrive over Socket Mode"}, 404)
        raw = await read_capped(request)
        if raw is None:
            return too_large()
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not _TIMESTAMP.fullmatch(timestamp) or not signature.isascii():
            return JSONResponse(BAD_SIGNATURE, 401)
        try:
            bolt_request = BoltRequest(
                body=raw.decode("utf-8", errors="replace"),
                query=request.url.query,
                headers=dict(request.headers.items()),
            )
        except (ValueError, RecursionError):
            return JSONResponse({"error": "the body is not a Slack request"}, 400)
        answered = gate.arrived()
        try:
            bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        finally:
            answered()
        return Response(
            content=bolt_response.body,
            status_code=bolt_response.status,
            headers={k: v[0] for k, v in bolt_response.headers.items()},
        )

    return slack_events
