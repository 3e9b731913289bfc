"""The HTTP face: Slack's requests, the intake API and the health check (Starlette)."""

from __future__ import annotations

import hmac
import logging
import re

from slack_bolt import App, BoltRequest
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.intake.body import parse_json
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from storage.db import DatabaseGone, ping, write_problem

log = logging.getLogger("handshake.api")
MAX_BODY = 1024 * 1024  # 1 MiB
TOO_LARGE = {"error": "body larger than 1 MiB"}
NOT_STORED = {
    "error": "the lead was not stored: the database cannot be written to right now; "
    "nothing was kept, send it again later"
}
BAD_SIGNATURE = {"error": "invalid request signature or timestamp"}
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def create_http_app(runtime: Runtime, *, bolt: App | None, intake_token: str | None) -> Starlette:
    async def slack_events(request: Request) -> Response:
        if bolt is None:
            return JSONResponse({"error": "Slack events arrive over Socket Mode"}, 404)
        raw = await _read_capped(request)
        if raw is None:
            return JSONResponse(TOO_LARGE, 413)
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
        bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        return Response(
            content=bolt_response.body,
            status_code=bolt_response.status,
            headers={k: v[0] for k, v in bolt_response.headers.items()},
        )

    async def post_lead(request: Request) -> Response:
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {intake_token}" if intake_token else None
        if expected is None or not hmac.compare_digest(supplied.encode(), expected.encode()):
            return JSONResponse({"error": "missing or wrong bearer token"}, 401)
        raw = await _read_capped(request)
        if raw is None:
            return JSONResponse(TOO_LARGE, 413)
        data, errors = parse_json(raw)
        lead_input, errors = validate_lead(data, errors)
        if lead_input is None:
            return _unprocessable([{"field": e.field, "message": e.message} for e in errors])
        try:
            result = await run_in_threadpool(
                ingest,
                lead_input,
                runtime=runtime,
            )
        except (DBAPIError, DatabaseGone) as exc:
            log.error("lead intake not stored external_id=%s: %s", lead_input.external_id, exc)
            return JSONResponse(NOT_STORED, 503, headers={"Retry-After": "30"})
        log.info(
            "lead intake id=%s status=%s owner=%s source=%s external_id=%s",
            result.body.get("id"),
            result.body.get("status"),
            result.body.get("owner"),
            lead_input.source,
            lead_input.external_id,
        )
        if result.body.get("status") == "routed":
            runtime.wake()
        return JSONResponse(result.body, result.http_status)

    async def healthz(_request: Request) -> Response:
        if not await run_in_threadpool(ping, runtime.engine):
            return JSONResponse({"status": "database unreachable"}, 503)
        problem = await run_in_threadpool(write_problem, runtime.engine)
        if problem:
            log.error("healthz: the database cannot be written to: %s", problem)
            return JSONResponse({"status": "database cannot be written to"}, 503)
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/api/leads", post_lead, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None once it is over MAX_BODY: never more than that is buffered."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared[:12]) > MAX_BODY:
        return None
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            return None
    return bytes(raw)


def _unprocessable(errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"errors": errors}, 422)
