"""What every HTTP endpoint shares: the capped body read and the common answers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 1024 * 1024  # 1 MiB
TOO_LARGE = {"error": "body larger than 1 MiB"}
NOT_STORED = {
    "error": "the lead was not stored: the database cannot be written to right now; "
    "nothing was kept, send it again later"
}


async def read_capped(request: Request) -> bytes | None:
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


def unprocessable(errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"errors": errors}, 422)


def too_large() -> JSONResponse:
    return JSONResponse(TOO_LARGE, 413)


def not_stored() -> JSONResponse:
    return JSONResponse(NOT_STORED, 503, headers={"Retry-After": "30"})
