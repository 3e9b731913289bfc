"""What a job sees of the delivery worker, and what the worker sees of a job.

A job is a plain function `job(delivery, row)` for one kind of outbox row. It reaches the
destination only through `Delivery`: `post_once` (a message, exactly once), `call` (any
other Web API call, its errors classified), `done` (the row is finished). It raises
`RetryLater` or `Permanent` (bot/delivery/errors.py) when it cannot finish. The worker
gets its table of jobs from the wiring, so nothing here imports a job, and adding a
destination means adding one module under bot/delivery/jobs/.

Lanes: a worker drains one lane (`delivery.lane`: slack, webhook or crm). Only the Slack
lane has a Slack `client`; on an outside lane it is None (`call` raises `Permanent`). An
outside job makes its HTTP calls with `delivery.http`, the lane's `httpx.Client` (built by
the wiring with a 10 s timeout, so tests can point it anywhere and close it), classifies the
answer itself and raises `RetryLater` (with `delay` = a Retry-After, `pause` to hold back
the whole destination) or `Permanent`. Rows of one destination and lead are handed to it in
the order they were written (storage/outbox.py `due_ids`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import HandshakeConfig
from storage.models import Outbox


class Delivery(Protocol):
    engine: Engine
    config: HandshakeConfig
    client: WebClient | None  # the Slack lane only
    clock: Clock
    lane: str
    http: httpx.Client | None  # outside lanes only
    state: dict[Any, Any]  # what a lane's jobs keep across rows (a CRM's access token)

    def post_once(
        self, row: Outbox, channel: str, message: dict[str, Any], tag: dict[str, Any], **extra: Any
    ) -> tuple[str, str, bool]:
        """Post `message` once, tagged; returns (channel, ts, recovered)."""
        ...

    def call(self, method: str, *, maybe_sent_on_error: bool, **kwargs: Any) -> Any:
        """One Web API call; Slack's answer, or `RetryLater` / `Permanent`."""
        ...

    def done(
        self,
        row: Outbox,
        *,
        note: str | None = None,
        event: dict[str, Any] | None = None,
        lead_id: int | None = None,
        posted: tuple[str, str] | None = None,
    ) -> None:
        """The row is done; `posted` (channel, ts) is kept for later in-place updates."""
        ...

    def learn_time_zone(self, slack_id: str) -> None:
        """Before writing to a person: make sure their time zone is known."""
        ...


Job = Callable[[Delivery, Outbox], None]
JobTable = Mapping[str, Job]
TimeZoneHook = Callable[[Delivery, str], None]  # learns a person's time zone, if unknown
