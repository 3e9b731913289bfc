"""The Bolt app factory: listeners, middleware, error handler. Connects to nothing."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError

from bot.runtime import Runtime
from handlers.answers import tell_failure
from handlers.dedupe import AFTER_ACK
from handlers.pool import ListenerPool
from storage.db import unit_of_work
from storage.models import SeenRequest

log = logging.getLogger("handshake.app")


def create_app(
    runtime: Runtime,
    *,
    client: WebClient,
    signing_secret: str,
    executor: Executor | None = None,
) -> App:
    """Listeners run on `executor` (a `ListenerPool`: a click's listener waits for a work
    slot only after its ack); the caller shuts it down on exit."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        listener_executor=executor,
        token_verification_enabled=False,  # start even when Slack is down; the outbox waits
        ignoring_self_events_enabled=True,
    )

    @app.middleware
    def provide_runtime(context: dict[str, Any], next: Any) -> None:
        context["runtime"] = runtime
        if isinstance(executor, ListenerPool):
            context[AFTER_ACK] = executor.after_ack
        next()

    @app.middleware
    def skip_retried_events(body: dict[str, Any], next: Any) -> BoltResponse | None:
        """Slack retries an event it thinks we missed: do its work only once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not _first_time(runtime, f"event:{event_id}"):
            log.info("duplicate slack event=%s skipped", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
    ) -> None:
        log.exception("listener failed type=%s", body.get("type"), exc_info=error)
        tell_failure(body, respond, client, runtime)

    import handlers

    handlers.register(app)
    return app


def _first_time(runtime: Runtime, key: str) -> bool:
    try:
        with unit_of_work(runtime.engine) as session:
            session.add(SeenRequest(key=key, at=runtime.clock()))
        return True
    except IntegrityError:
        return False
