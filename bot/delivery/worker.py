"""The delivery worker: drains one lane of the outbox, paced, retried, exactly once.

There is one worker (and one thread) per lane: `slack` (cards, DMs, the digest), `webhook`
and `crm`, so a slow or dead outside endpoint never delays a Slack card. Each is given its
jobs and its retry policy (bot/delivery/policy.py) by the wiring. Slack calls are paced by
channel; outside calls by destination (a webhook URL, "hubspot", "salesforce").

Each row is claimed with a compare-and-set (pending → sending) and committed before
Slack is called, so two workers never send the same row. A post whose outcome is
unknown (timeout, 5xx, crash mid-call) is flagged `maybe_sent`; before posting it
again the worker looks for it by its metadata (bot/delivery/lookup.py): cards, DMs,
thread replies and the digest alike.

What each kind of row does is a job (bot/delivery/jobs/): the worker is given its table of
jobs, and how to learn a person's time zone, by the wiring (bot/server.py `build_worker`),
and knows none of them itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import HandshakeConfig
from bot.delivery.errors import PERMANENT, Permanent, RetryLater
from bot.delivery.lookup import find_posted
from bot.delivery.policy import RetryPolicy, SlackRetry
from bot.delivery.protocol import JobTable, TimeZoneHook
from storage import outbox
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import get_handoff
from storage.models import LANE_SLACK, Outbox

log = logging.getLogger("handshake.delivery")


@dataclass
class DeliveryWorker:
    engine: Engine
    config: HandshakeConfig
    client: WebClient | None  # the Slack lane's Web API client; None on outside lanes
    clock: Clock
    jobs: JobTable
    time_zones: TimeZoneHook | None = None  # None: this worker does not ask for time zones
    lane: str = LANE_SLACK
    policy: RetryPolicy = field(default_factory=SlackRetry)
    http: httpx.Client | None = None  # outside lanes: the HTTP client their jobs call with
    state: dict[Any, Any] = field(default_factory=dict)  # kept by a lane's jobs across rows
    batch_size: int = 50
    lease: timedelta = timedelta(minutes=2)
    blocked_until: dict[str, float] = field(default_factory=dict)  # pacing key → monotonic

    def run_once(self) -> int:
        """Deliver every due row; returns how many calls completed."""
        now = self.clock()
        with unit_of_work(self.engine) as session:
            reclaimed = outbox.reclaim_stale(now - self.lease, now, session=session, lane=self.lane)
        if reclaimed:
            log.warning(
                "outbox lane=%s reclaimed=%d rows left in flight by a stopped worker",
                self.lane,
                reclaimed,
            )
        done = 0
        while True:
            with unit_of_work(self.engine) as session:
                due = outbox.due_ids(self.clock(), self.batch_size, session=session, lane=self.lane)
            progressed = [self.deliver(row_id) for row_id in due]
            done += sum(progressed)
            if len(due) < self.batch_size or not any(progressed):
                return done

    def deliver(self, row_id: int) -> bool:
        with unit_of_work(self.engine) as session:
            row = outbox.get_row(row_id, session=session)
            if row is None or self._blocked(self._pacing_key(row, session)):
                return False
            if not outbox.claim(row_id, self.clock(), session=session):
                return False
            session.refresh(row)
        try:
            self._perform(row)
        except RetryLater as retry:
            self._retry(row, retry)
            return False
        except Permanent as exc:
            self._fail(row, str(exc))
            return False
        except Exception as exc:  # a bug or an unexpected answer: keep the row, retry
            log.exception("outbox row=%s kind=%s failed unexpectedly", row.id, row.kind)
            self._retry(row, RetryLater(0, repr(exc), maybe_sent=True))
            return False
        return True

    def seconds_until_next(self) -> float | None:
        with unit_of_work(self.engine) as session:
            due = outbox.next_attempt_at(session=session, lane=self.lane)
        return None if due is None else (due - self.clock()).total_seconds()

    # -- the calls ---------------------------------------------------------------

    def _perform(self, row: Outbox) -> None:
        job = self.jobs.get(row.kind)
        if job is None:
            raise Permanent(f"unknown outbox kind {row.kind!r}")
        job(self, row)

    def post_once(
        self, row: Outbox, channel: str, message: dict[str, Any], tag: dict[str, Any], **extra: Any
    ) -> tuple[str, str, bool]:
        """Post `message` exactly once: tagged with metadata, and looked for in the
        conversation's history first when an earlier attempt may have reached Slack.
        Returns (channel, ts, recovered)."""
        if row.maybe_sent:
            found = find_posted(self, channel, row, tag, thread_ts=extra.get("thread_ts"))
            if found is not None:
                return found[0], found[1], True
        response = self.call(
            "chat_postMessage",
            maybe_sent_on_error=True,
            channel=channel,
            text=message["text"],
            blocks=message["blocks"],
            unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": tag["event_type"], "event_payload": tag["payload"]},
            **extra,
        )
        return response["channel"], response["ts"], False

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
        with unit_of_work(self.engine) as session:
            outbox.mark_done(row, self.clock(), session=session, note=note)
            if posted is not None:
                outbox.save_result(
                    row.id or 0, session=session, now=self.clock(), channel=posted[0], ts=posted[1]
                )
            if event is not None:
                log_event(
                    "delivered",
                    session=session,
                    at=self.clock(),
                    actor="system",
                    lead_id=lead_id,
                    handoff_id=row.handoff_id,
                    attempts=row.attempts,
                    **event,
                )

    def learn_time_zone(self, slack_id: str) -> None:
        """Before writing to a person: the wiring's hook learns their time zone."""
        if self.time_zones is not None:
            self.time_zones(self, slack_id)

    def call(self, method: str, *, maybe_sent_on_error: bool, **kwargs: Any) -> Any:
        channel = kwargs.get("channel") or kwargs.get("users") or "-"
        if self.client is None:
            raise Permanent(f"{method}: the {self.lane} lane has no Slack client")
        try:
            return getattr(self.client, method)(
                **{k: v for k, v in kwargs.items() if v is not None}
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"http_{status}")
            if status == 429 or error == "ratelimited":
                delay = float(exc.response.headers.get("Retry-After", 1) or 1)
                self.blocked_until[channel] = time.monotonic() + delay
                raise RetryLater(
                    delay, f"{method}: rate limited for {delay:g}s", maybe_sent=False, counts=False
                ) from exc
            if status < 500 and error in PERMANENT:
                raise Permanent(f"{method}: {error}") from exc
            raise RetryLater(0, f"{method}: {error}", maybe_sent=maybe_sent_on_error) from exc
        except OSError as exc:  # timeouts, refused connections, resets
            raise RetryLater(0, f"{method}: {exc!r}", maybe_sent=maybe_sent_on_error) from exc

    # -- bookkeeping ---------------------------------------------------------------

    def _pacing_key(self, row: Outbox, session: Any) -> str:
        """What a rate limit applies to: the Slack channel, or the outside destination."""
        if self.lane != LANE_SLACK:
            return row.destination or "-"
        if row.target == "channel":
            return self.config.handoff_channel
        handoff = get_handoff(row.handoff_id or 0, session=session)
        return handoff.owner_id if handoff else "-"

    def _blocked(self, channel: str) -> bool:
        until = self.blocked_until.get(channel)
        return until is not None and time.monotonic() < until

    def _retry(self, row: Outbox, retry: RetryLater) -> None:
        now = self.clock()
        delay = self.policy.delay(row, retry, now)
        if delay is None:
            self._fail(row, f"{self.policy.gave_up(row)}: {retry.error}")
            return
        if retry.pause and self.lane != LANE_SLACK:
            key = row.destination or "-"
            self.blocked_until[key] = time.monotonic() + min(retry.pause, delay)
        with unit_of_work(self.engine) as session:
            if not retry.counts:
                row.attempts = max(row.attempts - 1, 0)
            outbox.reschedule(
                row,
                now,
                timedelta(seconds=delay),
                retry.error,
                session=session,
                maybe_sent=retry.maybe_sent,
            )
        log.warning(
            "outbox lane=%s row=%s handoff=%s retry in %.1fs: %s",
            self.lane,
            row.id,
            row.handoff_id,
            delay,
            retry.error,
        )

    def _fail(self, row: Outbox, error: str) -> None:
        now = self.clock()
        with unit_of_work(self.engine) as session:
            outbox.mark_failed(row, now, error, session=session)
            log_event(
                "delivery_failed",
                session=session,
                at=now,
                actor="system",
                handoff_id=row.handoff_id,
                outbox_id=row.id,
                call=row.kind,
                card=row.target,
                lane=row.lane,
                destination=row.destination,
                error=error,
            )
        log.error("outbox row=%s handoff=%s failed: %s", row.id, row.handoff_id, error)
