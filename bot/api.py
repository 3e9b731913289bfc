"""The HTTP face: Slack's requests, the intake API and the health check (Starlette)."""

from __future__ import annotations

import hmac
import json
import logging

from slack_bolt import App, BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from storage.db import ping

log = logging.getLogger("handshake.api")
MAX_BODY = 1024 * 1024  # 1 MiB


def create_http_app(runtime: Runtime, *, bolt: App | None, intake_token: str | None) -> Starlette:
    async def slack_events(request: Request) -> Response:
        if bolt is None:
            return JSONResponse({"error": "Slack events arrive over Socket Mode"}, 404)
        body = (await request.body()).decode("utf-8", errors="replace")
        bolt_request = BoltRequest(
            body=body, query=request.url.query, headers={k: v for k, v in request.headers.items()}
        )
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
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY:
            return JSONResponse({"error": "body larger than 1 MiB"}, 413)
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                return JSONResponse({"error": "body larger than 1 MiB"}, 413)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _unprocessable([{"field": "body", "message": f"is not valid JSON: {exc}"}])
        lead_input, errors = validate_lead(data)
        if lead_input is None:
            return _unprocessable([{"field": e.field, "message": e.message} for e in errors])
        result = await run_in_threadpool(
            ingest, lead_input, engine=runtime.engine, config=runtime.config, now=runtime.clock()
        )
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
        if await run_in_threadpool(ping, runtime.engine):
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "database unreachable"}, 503)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/api/leads", post_lead, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def _unprocessable(errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"errors": errors}, 422)
