"""`GET /api/openapi.json`: the published description of the intake API. No auth: it is
public, and says nothing a caller does not already need."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.intake.openapi import openapi_document


def openapi_endpoint() -> Callable[[Request], Awaitable[Response]]:
    async def get_openapi(_request: Request) -> Response:
        return JSONResponse(openapi_document())

    return get_openapi
