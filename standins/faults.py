"""What a stand-in can be told to do wrong, and the log of what it received."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Fault:
    method: str  # "PATCH", or "*" for any
    path: str  # a prefix of the request path, e.g. "/crm/v3/objects/notes"
    status: int | None = None  # answer this instead (None: answer normally, after `delay`)
    body: Any = None  # the JSON body of that answer (a vendor's error)
    retry_after: float | None = None  # the Retry-After header of that answer
    delay: float = 0.0  # seconds to wait before answering
    apply_after: bool = False  # do the work first, then wait `delay`: a timeout after success
    times: int = 1  # how many requests it applies to


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: Any
    status: int = 0  # what the stand-in answered


@dataclass
class Recorder:
    """The fault book and the request log of one stand-in (thread-safe: tests read it)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    faults: list[Fault] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def add_fault(self, method: str, path: str, **kwargs: Any) -> Fault:
        fault = Fault(method.upper(), path, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def calls_to(self, method: str, path_prefix: str = "") -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]

    def _take(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method in ("*", method) and path.startswith(fault.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def guarded(self, handler: Handler) -> Handler:
        """`handler`, recorded and subject to the fault book."""

        async def run(request: Request) -> Response:
            raw = await request.body()
            call = Call(
                request.method,
                request.url.path,
                {k.lower(): v for k, v in request.headers.items()},
                dict(request.query_params),
                _decode(raw, request.headers.get("content-type", "")),
            )
            with self.lock:
                self.calls.append(call)
            fault = self._take(request.method, request.url.path)
            if fault and not fault.apply_after:
                await asyncio.sleep(fault.delay)
                if fault.status is not None:
                    headers = {}
                    if fault.retry_after is not None:
                        headers["Retry-After"] = f"{fault.retry_after:g}"
                    call.status = fault.status
                    return JSONResponse(fault.body, status_code=fault.status, headers=headers)
            response = await handler(request)
            call.status = response.status_code
            if fault and fault.apply_after:
                await asyncio.sleep(fault.delay)
            return response

        return run


def _decode(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if "json" in content_type:
        import json

        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")
    if "form" in content_type:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    return raw.decode("utf-8", "replace")
