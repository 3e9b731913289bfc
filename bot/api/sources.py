"""`POST /api/sources/{name}`: leads pushed by other systems in their own shape (issue 11).

Checks run in this order: the source's name (404), its auth (401; headers and tokens before
the body is read, HubSpot's HMAC over the body right after the capped read), size (413),
content (422, each field named as the source names it), then intake as `POST /api/leads`.

HubSpot signs the URL it called. That is the source's `url` when set (use it behind a
proxy or load balancer); otherwise the URL of the request as this server sees it: its
scheme (uvicorn takes X-Forwarded-Proto only from trusted proxies, --forwarded-allow-ips)
and its Host header. X-Forwarded-Host is not trusted, since any client can send it.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.api.reading import read_capped, too_large, unprocessable
from bot.api.storing import store
from bot.config import SourceConfig
from bot.intake.body import FieldError, parse_json
from bot.intake.sources import hubspot, salesforce
from bot.intake.sources.kinds import lead_body, map_fields
from bot.intake.validate import LeadInput, validate_lead
from bot.intake.writer import IntakeWriter
from bot.runtime import Runtime

log = logging.getLogger("handshake.api")


def _refused(source: SourceConfig, why: str) -> Response:
    log.warning("source %s refused a request: %s", source.name, why)
    return JSONResponse({"error": why}, 401)


def _errors(errors: list[FieldError]) -> Response:
    return unprocessable([{"field": e.field, "message": e.message} for e in errors])


def _bearer_ok(request: Request, token: str) -> bool:
    supplied = request.headers.get("authorization", "")
    return hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode())


async def salesforce_request(
    request: Request, source: SourceConfig, runtime: Runtime, writer: IntakeWriter
) -> Response:
    """An Outbound Message (the ?token= check has passed): every notification mapped and
    validated, each good one stored, then the Ack, only once all of them are committed;
    a bad one (a Lead without an Email is common) is a 422 naming its fields, after the
    good ones of the message are stored: Salesforce keeps the message and re-sends it
    (the stored ones are duplicates then, stored once), and shows why in its delivery
    status, while no good lead waits on, or is dropped with, a bad one."""
    raw = await read_capped(request)
    if raw is None:
        return too_large()
    try:
        message = salesforce.parse_outbound_message(raw)
    except salesforce.SoapProblem as problem:
        return _errors(problem.errors)
    if not salesforce.organization_matches(message, source.organization_id or ""):
        return _refused(source, f"OrganizationId {message.organization_id} is not this source's")
    leads: list[LeadInput] = []
    errors: list[FieldError] = []
    for i, notification in enumerate(message.notifications):
        mapped = map_fields(
            source, notification.fields, runtime.config.people, prefix=f"Notification[{i}].sObject."
        )
        lead_input, found = validate_lead(mapped.body)
        if lead_input is None:
            errors += mapped.source_errors(found)
        else:
            leads.append(lead_input)
    for lead_input in leads:
        answer = await store(lead_input, writer)
        if answer.status_code >= 300:
            return answer
    if errors:
        log.warning(
            "source %s: %d of %d notifications refused: %s",
            source.name,
            len(message.notifications) - len(leads),
            len(message.notifications),
            "; ".join(f"{e.field} {e.message}" for e in errors[:5]),
        )
        return _errors(errors)
    return Response(salesforce.ack(), 200, media_type=salesforce.ACK_CONTENT_TYPE)


def sources_endpoint(
    runtime: Runtime, writer: IntakeWriter
) -> Callable[[Request], Awaitable[Response]]:
    async def post_source(request: Request) -> Response:
        name = request.path_params["name"]
        source = runtime.config.source(name)
        if source is None:
            return JSONResponse({"error": f"no source named {name[:100]!r} is configured"}, 404)
        if source.kind == "salesforce":
            supplied = request.query_params.get("token", "")
            if not hmac.compare_digest(supplied.encode(), source.secret.encode()):
                return _refused(source, "missing or wrong ?token= on the URL")
            return await salesforce_request(request, source, runtime, writer)
        if source.kind == "json" and not _bearer_ok(request, source.secret):
            return _refused(source, "missing or wrong bearer token")
        if source.kind == "hubspot":
            now_ms = int(runtime.clock().timestamp() * 1000)
            problem = hubspot.header_problem(request.headers, now_ms)
            if problem:
                return _refused(source, problem)
        raw = await read_capped(request)
        if raw is None:
            return too_large()
        if source.kind == "hubspot":
            uri = source.url or str(request.url)
            if not hubspot.signature_matches(
                source.secret, request.method, uri, raw, request.headers
            ):
                return _refused(source, f"X-HubSpot-Signature-v3 does not match (signed URL {uri})")
        data, found = parse_json(raw)
        if data is None or found:
            return _errors(found)
        mapped, errors = lead_body(source, data, runtime.config.people)
        if mapped is None:
            return _errors(errors)
        lead_input, errors = validate_lead(mapped.body)
        if lead_input is None:
            return _errors(mapped.source_errors(errors))
        return await store(lead_input, writer)

    return post_source
