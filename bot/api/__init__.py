"""The HTTP face: Slack's requests, the intake API, sources, their description, the
health check (`/healthz`: alive), readiness (`/readyz`) and metrics (`/metrics`) (Starlette).

One module per endpoint family; this one only assembles the routes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.api.leads import leads_endpoint
from bot.api.openapi import openapi_endpoint
from bot.api.slack import slack_endpoint
from bot.api.sources import sources_endpoint
from bot.api.watching import (
    api_source,
    metrics_endpoint,
    observed,
    readyz_endpoint,
    source_name,
)
from bot.intake.writer import IntakeWriter
from bot.runtime import Runtime
from storage.db import ping, write_problem

log = logging.getLogger("handshake.api")


def create_http_app(runtime: Runtime, *, bolt: App | None, intake_token: str | None) -> Starlette:
    writer = IntakeWriter(runtime)  # intake's group commit (bot/intake/writer.py)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(writer.close)

    async def healthz(_request: Request) -> Response:
        if not await run_in_threadpool(ping, runtime.engine):
            return JSONResponse({"status": "database unreachable"}, 503)
        problem = await run_in_threadpool(write_problem, runtime.engine)
        if problem:
            log.error("healthz: the database cannot be written to: %s", problem)
            return JSONResponse({"status": "database cannot be written to"}, 503)
        return JSONResponse({"status": "ok"})

    leads = leads_endpoint(runtime, intake_token, writer)
    sources, named = sources_endpoint(runtime, writer), source_name(runtime)
    return Starlette(
        lifespan=lifespan,
        routes=[
            Route("/slack/events", slack_endpoint(bolt, runtime.foreground), methods=["POST"]),
            Route("/api/leads", observed(runtime, leads, api_source), methods=["POST"]),
            Route("/api/sources/{name}", observed(runtime, sources, named), methods=["POST"]),
            Route("/api/openapi.json", openapi_endpoint(), methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz_endpoint(runtime), methods=["GET"]),
            Route("/metrics", metrics_endpoint(runtime), methods=["GET"]),
        ],
    )
