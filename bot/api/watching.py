"""`GET /metrics` (Prometheus text format), `GET /readyz`, and the intake endpoints'
counters (`observed`). `/healthz` stays the cheap liveness check (bot/api/__init__.py)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.observability.metrics import CONTENT_TYPE
from bot.runtime import Runtime

Endpoint = Callable[[Request], Awaitable[Response]]


def metrics_endpoint(runtime: Runtime) -> Endpoint:
    runtime.metrics.watch_database(runtime.engine, runtime.clock)

    async def metrics(_request: Request) -> Response:
        body = await run_in_threadpool(runtime.metrics.render)  # reads the database
        return Response(body, 200, media_type=CONTENT_TYPE)

    return metrics


def readyz_endpoint(runtime: Runtime) -> Endpoint:
    async def readyz(_request: Request) -> Response:
        problems = await run_in_threadpool(runtime.readiness.problems, runtime.engine)
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, 503)
        return JSONResponse({"status": "ready"})

    return readyz


def observed(runtime: Runtime, endpoint: Endpoint, source: Callable[[Request], str]) -> Endpoint:
    """`endpoint`, with its answers counted by source and HTTP status, and timed."""
    metrics = runtime.metrics

    async def counted(request: Request) -> Response:
        started = time.perf_counter()
        response = await endpoint(request)
        name = source(request)
        metrics.intake.labels(name, str(response.status_code)).inc()
        metrics.intake_seconds.labels(name).observe(time.perf_counter() - started)
        return response

    return counted


def api_source(_request: Request) -> str:
    return "api"


def source_name(runtime: Runtime) -> Callable[[Request], str]:
    """/api/sources/{name}: the name when configured, else "unknown" (a label per made-up
    name would let anyone grow the metrics without bound)."""

    def name(request: Request) -> str:
        given = request.path_params.get("name", "")
        return given if runtime.config.source(given) is not None else "unknown"

    return name
