"""`POST /api/leads`: Handshake's own intake JSON (DESIGN §3).

The bearer token is HANDSHAKE_INTAKE_TOKEN or any source's `token_env` token (issue 11); a
lead sent with a source's token has that source's name as its `source`, whatever the body
says."""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.api.reading import read_capped, too_large, unprocessable
from bot.api.storing import store
from bot.intake.body import parse_json
from bot.intake.validate import validate_lead
from bot.intake.writer import IntakeWriter
from bot.runtime import Runtime

_INTAKE = ""  # the source a token stands for: "" is the intake token (the body's source)


def accepted_tokens(runtime: Runtime, intake_token: str | None) -> list[tuple[str, str]]:
    """(source name, token) pairs; "" for HANDSHAKE_INTAKE_TOKEN."""
    tokens = [(_INTAKE, intake_token)] if intake_token else []
    return tokens + [(s.name, s.token) for s in runtime.config.sources if s.token]


def token_owner(supplied: str, tokens: list[tuple[str, str]]) -> str | None:
    """Which token `supplied` is (compared with each in constant time), or None."""
    found = None
    for name, token in tokens:
        if hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
            found = name
    return found


def leads_endpoint(
    runtime: Runtime, intake_token: str | None, writer: IntakeWriter
) -> Callable[[Request], Awaitable[Response]]:
    async def post_lead(request: Request) -> Response:
        tokens = accepted_tokens(runtime, intake_token)  # per request: a reload may change them
        source = token_owner(request.headers.get("authorization", ""), tokens)
        if source is None:
            return JSONResponse({"error": "missing or wrong bearer token"}, 401)
        raw = await read_capped(request)
        if raw is None:
            return too_large()
        data, errors = parse_json(raw)
        lead_input, errors = validate_lead(data, errors)
        if lead_input is None:
            return unprocessable([{"field": e.field, "message": e.message} for e in errors])
        if source != _INTAKE:
            lead_input = dataclasses.replace(lead_input, source=source)
        return await store(lead_input, writer)

    return post_lead
