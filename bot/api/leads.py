"""`POST /api/leads`: Handshake's own intake JSON (DESIGN §3)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.api.reading import not_stored, read_capped, too_large, unprocessable
from bot.intake.body import parse_json
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from storage.db import DatabaseGone

log = logging.getLogger("handshake.api")


def leads_endpoint(
    runtime: Runtime, intake_token: str | None
) -> Callable[[Request], Awaitable[Response]]:
    async def post_lead(request: Request) -> Response:
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {intake_token}" if intake_token else None
        if expected is None or not hmac.compare_digest(supplied.encode(), expected.encode()):
            return JSONResponse({"error": "missing or wrong bearer token"}, 401)
        raw = await read_capped(request)
        if raw is None:
            return too_large()
        data, errors = parse_json(raw)
        lead_input, errors = validate_lead(data, errors)
        if lead_input is None:
            return unprocessable([{"field": e.field, "message": e.message} for e in errors])
        try:
            result = await run_in_threadpool(ingest, lead_input, runtime=runtime)
        except (DBAPIError, DatabaseGone) as exc:
            log.error("lead intake not stored external_id=%s: %s", lead_input.external_id, exc)
            return not_stored()
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

    return post_lead
