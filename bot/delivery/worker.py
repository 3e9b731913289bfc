"""The delivery worker: drains one lane of the outbox, paced, retried, exactly once.

There is one worker (and one thread) per lane: `slack` (cards, DMs, the digest), `webhook`
and `crm`, so a slow or dead outside endpoint never delays a Slack card. Each is given its
jobs and its retry policy (bot/delivery/policy.py) by the wiring.

Inside a lane, rows go by route: on the Slack lane the hand-off channel, or the owner's DM;
on outside lanes the destination (a webhook URL, "hubspot", "salesforce"). Each route's
rows go one at a time and in order, different routes in parallel (bot/delivery/keyed.py,
at most `concurrency` at once), so a DM never waits behind the hand-off channel's backlog.
`pump` hands due rows to their routes and returns at once (the delivery thread's worker
is `detached`: its `run_once` pumps); `run_once` otherwise waits until everything due is
delivered (tests, one-off commands), including a row that had to wait for another row of
the same run (a thread note for a card still being posted on another route).

On the Slack lane every call first takes a token from its channel's or its method's
bucket (bot/delivery/pacing.py), shared through the database, and a route is delivered by
one instance at a time (a hold in `channelpacing`), so several instances together keep
within one channel's limit and its order. When a row must wait (a 429, a failure), its
route is blocked until the row's retry, in the database, so no later row overtakes it.

Each row is claimed (pending → sending; `FOR UPDATE SKIP LOCKED` on PostgreSQL) and
committed before Slack is called, so two workers never send the same row. A post whose
outcome is unknown (timeout, 5xx, crash mid-call) is flagged `maybe_sent`; before posting
it again the worker looks for it by its metadata (bot/delivery/lookup.py): cards, DMs,
thread replies and the digest alike.

What each kind of row does is a job (bot/delivery/jobs/): the worker is given its table of
jobs, and how to learn a person's time zone, by the wiring (bot/server.py `build_worker`),
and knows none of them itself.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import HandshakeConfig
from bot.delivery.errors import PERMANENT, Permanent, RetryLater
from bot.delivery.keyed import NEXT, STOP, KeyedRunners
from bot.delivery.lookup import find_posted
from bot.delivery.pacing import Pacer
from bot.delivery.policy import RetryPolicy, SlackRetry
from bot.delivery.protocol import JobTable, TimeZoneHook
from bot.observability.metrics import Metrics
from storage import outbox, pacing
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import get_handoff
from storage.models import LANE_SLACK, Outbox

log = logging.getLogger("handshake.delivery")
RECLAIM_EVERY = 5.0  # seconds between looks for rows a stopped worker left in flight


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
    batch_size: int = 200
    lease: timedelta = timedelta(minutes=2)
    blocked_until: dict[str, float] = field(default_factory=dict)  # outside: key → monotonic
    pacer: Pacer | None = None  # the Slack lane: a token before each call; None: unpaced
    concurrency: int = 16  # routes delivered at once
    holder: str = field(default_factory=lambda: uuid.uuid4().hex[:16])  # this instance
    hold_for: float = 30.0  # seconds a route stays this instance's after its last row
    on_free: Callable[[], None] = lambda: None  # a route ran dry: look for more (the thread)
    piece: Callable[[], AbstractContextManager[object]] = nullcontext  # each row, in its turn
    detached: bool = False  # run by the delivery thread: `run_once` does not wait
    metrics: Metrics = field(default_factory=Metrics)  # serve: the Runtime's
    _runners: KeyedRunners = field(init=False, repr=False)
    _completed: int = field(default=0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _held_at: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _reclaimed_at: float = field(default=-RECLAIM_EVERY, init=False, repr=False)
    _crash: BaseException | None = field(default=None, init=False, repr=False)
    _waiting: set[int] = field(default_factory=set, init=False, repr=False)  # `run_once`'s

    def __post_init__(self) -> None:
        self._runners = KeyedRunners(
            self._work,
            concurrency=self.concurrency,
            name=f"handshake-{self.lane}",
            begin=self._hold,
            end=self._release,
            finished=lambda: self.on_free(),
            piece=lambda: self.piece(),
        )

    def run_once(self) -> int:
        """Deliver every due row, waiting until done; returns how many calls completed.
        `detached` (the delivery thread's worker): `pump`, without waiting."""
        if self.detached:
            return self.pump()
        done, done_at_last_look = 0, 0
        while True:
            handed = self._hand_out()
            self._runners.wait_idle()
            done += self.pump_result()
            if handed:
                continue
            # Rows that waited for another row (their card's post, on another route) are
            # due again now, if anything was delivered since they last waited.
            with self._lock:
                waiting, self._waiting = self._waiting, set()
            if not waiting or done == done_at_last_look:
                return done
            done_at_last_look = done
            with unit_of_work(self.engine) as session:
                outbox.due_now(waiting, self.clock(), session=session)

    def pump(self) -> int:
        """Hand due rows to their routes without waiting; returns how many calls completed
        since the last pump."""
        self._hand_out()
        return self.pump_result()

    def settle(self, timeout: float) -> int:
        """Wait (at most `timeout` seconds) until the rows handed out are delivered; returns
        how many calls completed since the last pump, or raises what stopped a route."""
        self._runners.wait_idle(timeout)
        return self.pump_result()

    def pump_result(self) -> int:
        if self._crash is not None:
            crash, self._crash = self._crash, None
            raise crash
        return self._take_completed()

    def close(self) -> None:
        """Stop: waits for pacing end at once, each route finishes its call in flight."""
        if self.pacer is not None:
            self.pacer.stop.set()
        self._runners.close()

    def deliver(self, row_id: int) -> bool:
        """Deliver one row now (a one-off command), in this thread."""
        return self._attempt(row_id, self._route_of(row_id))[0]

    def take_back(self) -> int:
        """Before starting, in a delivery process started again by its parent with the same
        `holder`: the rows its predecessor left `sending` go back to pending (each looked up
        in Slack before it is posted again), and the routes it held are this worker's
        already, so nothing waits out the lease or the hold."""
        with unit_of_work(self.engine) as session:
            taken = outbox.take_back(self.holder, self.clock(), session=session, lane=self.lane)
        if taken:
            log.warning(
                "outbox lane=%s taken_back=%d rows the previous delivery process left in flight",
                self.lane,
                taken,
            )
        return taken

    def _take_completed(self) -> int:
        with self._lock:
            done, self._completed = self._completed, 0
        return done

    # -- handing rows to routes ----------------------------------------------------------

    def _hand_out(self) -> int:
        """Queue every due row on its route (routes busy or blocked are left for later);
        returns how many rows were handed out."""
        now, reclaimed = self.clock(), 0
        with unit_of_work(self.engine) as session:
            if not self.detached or time.monotonic() - self._reclaimed_at >= RECLAIM_EVERY:
                self._reclaimed_at = time.monotonic()
                reclaimed = outbox.reclaim_stale(
                    now - self.lease, now, session=session, lane=self.lane
                )
            skip = self._runners.busy | self._unavailable(session)
        if reclaimed:
            log.warning(
                "outbox lane=%s reclaimed=%d rows left in flight by a stopped worker",
                self.lane,
                reclaimed,
            )
        handed = 0
        while True:
            with unit_of_work(self.engine) as session:
                due = outbox.due_routes(
                    now,
                    self.batch_size,
                    session=session,
                    lane=self.lane,
                    skip_channel=outbox.CHANNEL_TARGET in skip,
                    skip=skip - {outbox.CHANNEL_TARGET},
                )
            by_route: dict[str, list[int]] = {}
            for row_id, route in due:
                by_route.setdefault(route, []).append(row_id)
            for route, ids in by_route.items():
                self._runners.offer(route, ids)
            handed += len(due)
            skip |= set(by_route)
            if len(due) < self.batch_size:
                return handed

    def _unavailable(self, session: Any) -> set[str]:
        if self.lane != LANE_SLACK:
            return {k for k in self.blocked_until if self._blocked(k)}
        prefix = f"{self.lane}:"
        keys = pacing.unavailable(
            prefix, self.holder, session=session, now=time.time(), clock_now=self.clock()
        )
        channel = self.config.handoff_channel
        return {outbox.CHANNEL_TARGET if k == channel else k for k in keys}

    def _pacing_row(self, route: str) -> str:
        channel = self.config.handoff_channel if route == outbox.CHANNEL_TARGET else route
        return f"{self.lane}:{channel}"

    def _hold(self, route: str) -> bool:
        """Deliver the route's rows from this instance only (the Slack lane)."""
        if self.lane != LANE_SLACK:
            return True
        with unit_of_work(self.engine) as session:
            now = time.time()
            key = self._pacing_row(route)
            held = pacing.hold(
                key, self.holder, session=session, now=now, until=now + self.hold_for
            )
        if held:
            self._held_at[route] = now
        return held

    def _release(self, route: str) -> None:
        if self.lane == LANE_SLACK:
            with unit_of_work(self.engine) as session:
                pacing.release(self._pacing_row(route), self.holder, session=session)
            self._held_at.pop(route, None)

    def _work(self, route: str, row_id: int) -> bool:
        try:
            renew = time.time() - self._held_at.get(route, 0.0) > self.hold_for / 3
            if renew and not self._hold(route):  # lost: another instance has the route
                return STOP
            done, go_on = self._attempt(row_id, route)
        except BaseException as exc:  # a crash: the row stays `sending` until its lease
            self._crash = exc
            return STOP
        if done:
            with self._lock:
                self._completed += 1
        return NEXT if go_on else STOP

    def _route_of(self, row_id: int) -> str:
        with unit_of_work(self.engine) as session:
            row = outbox.get_row(row_id, session=session)
            if row is None:
                return "-"
            return self._pacing_key(row, session)

    def _attempt(self, row_id: int, route: str) -> tuple[bool, bool]:
        """One row: (delivered, the route may go on with its next row)."""
        with unit_of_work(self.engine) as session:
            row = outbox.get_row(row_id, session=session)
            if row is None:
                return False, True
            if self.lane != LANE_SLACK and self._blocked(route):
                return False, False
            if not outbox.claim(row_id, self.clock(), session=session, holder=self.holder):
                return False, True
            session.refresh(row)
        try:
            self._perform(row)
        except RetryLater as retry:
            return False, not self._retry(row, retry, route)
        except Permanent as exc:
            self._fail(row, str(exc))
            return False, True
        except Exception as exc:  # a bug or an unexpected answer: keep the row, retry
            log.exception(
                "outbox row=%s kind=%s failed unexpectedly", row.id, row.kind, extra=_ids(row)
            )
            return False, not self._retry(row, RetryLater(0, repr(exc), maybe_sent=True), route)
        self._delivered(row)
        return True, True

    def _delivered(self, row: Outbox) -> None:
        """Counted, and the time from its queueing to now observed."""
        queued = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        waited = max((self.clock() - queued).total_seconds(), 0.0)
        self.metrics.delivery_attempts.labels(self.lane, "delivered").inc()
        self.metrics.delivery_seconds.labels(self.lane).observe(waited)

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
        if self.pacer is not None and not self.pacer.acquire(method, channel):
            raise RetryLater(0, f"{method}: stopping", maybe_sent=False, counts=False)
        try:
            return getattr(self.client, method)(
                **{k: v for k, v in kwargs.items() if v is not None}
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"http_{status}")
            if status == 429 or error == "ratelimited":
                self.metrics.rate_limited.labels(method).inc()
                delay = float(exc.response.headers.get("Retry-After", 1) or 1)
                raise RetryLater(
                    delay,
                    f"{method}: rate limited for {delay:g}s",
                    maybe_sent=False,
                    counts=False,
                    pause=delay,
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

    def _retry(self, row: Outbox, retry: RetryLater, route: str) -> bool:
        """Reschedule the row; True when its route must wait for it (nothing overtakes a
        row that failed or was rate limited; a row waiting for another is passed)."""
        now = self.clock()
        delay = self.policy.delay(row, retry, now)
        if delay is None:
            self._fail(row, f"{self.policy.gave_up(row)}: {retry.error}")
            return False
        self.metrics.delivery_attempts.labels(self.lane, "retry").inc()
        if retry.rate_limited and self.lane != LANE_SLACK:  # an outside 429 (Slack's: `call`)
            self.metrics.rate_limited.labels(row.kind).inc()
        holds_route = bool(retry.pause) or (retry.counts and self.lane == LANE_SLACK)
        if retry.waiting and not self.detached and row.id is not None:
            with self._lock:
                self._waiting.add(row.id)
        if retry.pause and self.lane != LANE_SLACK:
            self.blocked_until[route] = time.monotonic() + min(retry.pause, delay)
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
            if holds_route and self.lane == LANE_SLACK:
                until = now + timedelta(seconds=delay)
                pacing.block(self._pacing_row(route), until, session=session)
        log.warning(
            "outbox lane=%s row=%s handoff=%s retry in %.1fs: %s",
            self.lane,
            row.id,
            row.handoff_id,
            delay,
            retry.error,
            extra=_ids(row),
        )
        return holds_route

    def _fail(self, row: Outbox, error: str) -> None:
        self.metrics.delivery_attempts.labels(self.lane, "failed").inc()
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
        log.error(
            "outbox row=%s handoff=%s failed: %s", row.id, row.handoff_id, error, extra=_ids(row)
        )


def _ids(row: Outbox) -> dict[str, Any]:
    """A log line's lead and hand-off fields (JSON logs: bot/observability/logs.py)."""
    return {"lead_id": row.lead_id, "handoff_id": row.handoff_id, "outbox_id": row.id}
