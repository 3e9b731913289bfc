"""What every lead endpoint does once a lead is valid: ingest it and answer (DESIGN §3)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import DBAPIError
from starlette.responses import JSONResponse, Response

from bot.api.reading import not_stored
from bot.intake.validate import LeadInput
from bot.intake.writer import IntakeWriter
from storage.db import DatabaseGone, brief_error

log = logging.getLogger("handshake.api")


async def store(lead_input: LeadInput, writer: IntakeWriter) -> Response:
    """202 routed / nurture, 200 duplicate, 503 when the database cannot be written to.
    Answered once the lead is committed (the writer wakes the delivery worker)."""
    try:
        result = await asyncio.wrap_future(writer.submit(lead_input))
    except (DBAPIError, DatabaseGone) as exc:
        log.error(
            "lead intake not stored external_id=%s: %s", lead_input.external_id, brief_error(exc)
        )
        writer.runtime.metrics.intake_leads.labels("not_stored").inc()
        return not_stored()
    status = str(result.body.get("status"))
    writer.runtime.metrics.intake_leads.labels(status).inc()
    log.info(
        "lead intake id=%s status=%s owner=%s source=%s external_id=%s",
        result.body.get("id"),
        status,
        result.body.get("owner"),
        lead_input.source,
        lead_input.external_id,
        extra={"lead_id": result.body.get("id")},
    )
    return JSONResponse(result.body, result.http_status)
