"""What happens when a timer falls due: nudge, escalate, reassign, follow up.

Runs inside the tick's transaction: the claim, the state change, the event and the
outbox rows commit together, so a nudge is queued exactly once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.durations import format_wait
from bot.domain.calendar import WorkCalendar
from bot.services import notify
from bot.services.reassign import reassign
from bot.services.sla_clock import calendar_of
from storage.db import unit_of_work
from storage.events import event_values, log_event
from storage.handoffs import get_handoff
from storage.models import (
    ACCEPTED,
    ESCALATE,
    FOLLOW_UP,
    FOLLOW_UP_ESCALATE,
    PENDING,
    REASSIGN,
    REMIND,
    Handoff,
    Timer,
)
from storage.timers import claim_due, defer, insert_rows, load_handoffs

log = logging.getLogger("handshake.sla")
RETRY_FAILED = timedelta(minutes=5)

MESSAGE = {  # timer kind → (DM template, thread note, event)
    REMIND: ("nudge", "nudge", "nudged"),
    ESCALATE: ("escalation", "escalation", "escalated"),
    FOLLOW_UP: ("follow_up_nudge", "follow_up_nudge", "follow_up_nudged"),
    FOLLOW_UP_ESCALATE: ("follow_up_escalation", "follow_up_escalation", "follow_up_escalated"),
}


@dataclass
class TickReport:
    fired: int = 0
    deferred: int = 0
    skipped: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def claimed(self) -> int:
        return self.fired + self.deferred + self.skipped

    def add(self, other: TickReport) -> None:
        self.fired += other.fired
        self.deferred += other.deferred
        self.skipped += other.skipped
        for kind, n in other.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n


class Calendars:
    """People's working calendars, each looked up once per batch rather than per timer."""

    def __init__(self, *, session: Session, config: HandshakeConfig):
        self.session, self.config = session, config
        self._known: dict[str | None, WorkCalendar] = {}

    def of(self, slack_id: str | None) -> WorkCalendar:
        if slack_id not in self._known:
            self._known[slack_id] = calendar_of(slack_id, session=self.session, config=self.config)
        return self._known[slack_id]


class Rows:
    """A batch's DMs, threaded notes and events, written with one INSERT per table when
    the batch ends: the very rows that `send` otherwise adds one ORM object at a time
    (notify.dm, notify.thread_note, log_event), for a fraction of the cost."""

    def __init__(self) -> None:
        self.outbox: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def send(
        self, kind: str, handoff: Handoff, recipient: str, *, now: datetime, actor: str, waited: str
    ) -> None:
        """The same rows `send` writes, built by the same functions."""
        assert handoff.id is not None
        template, note, event = MESSAGE[kind]
        self.outbox.append(
            notify.dm_values(template, recipient, handoff.id, now=now, waited=waited)
        )
        self.outbox.append(
            notify.thread_values(
                note,
                handoff.id,
                now=now,
                owner=handoff.owner_id,
                recipient=recipient,
                waited=waited,
            )
        )
        self.events.append(
            event_values(
                event,
                at=now,
                actor=actor,
                lead_id=handoff.lead_id,
                handoff_id=handoff.id,
                recipient=recipient,
                waited=waited,
            )
        )

    def write(self, *, session: Session) -> None:
        insert_rows(self.outbox, self.events, session=session)
        self.outbox, self.events = [], []


def tick(*, engine: Engine, config: HandshakeConfig, now: datetime, batch: int = 500) -> TickReport:
    """Fire every due timer, a batch per transaction."""
    report = TickReport()
    while True:
        with unit_of_work(engine) as session:
            timers = claim_due(now, batch, session=session)
            if timers:
                _fire_batch(timers, session=session, config=config, now=now, report=report)
        if len(timers) < batch:
            return report


def _fire_batch(
    timers: list[Timer],
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    report: TickReport,
) -> None:
    """The whole batch under one savepoint, its rows inserted in bulk when it ends. If any
    timer fails, that savepoint rolls back and the batch fires again with a savepoint per
    timer, so one bad timer is deferred without holding up the others, nor being lost."""
    # One query for the batch's hand-offs; _fire finds them in the identity map, which is
    # weak, so they are held here until the batch is done.
    _held = load_handoffs(timers, session=session)
    attempt = TickReport()
    try:
        with _held_logs(log), session.begin_nested():
            calendars, rows = Calendars(session=session, config=config), Rows()
            for timer in timers:
                _fire(
                    timer,
                    session=session,
                    config=config,
                    now=now,
                    report=attempt,
                    calendars=calendars,
                    rows=rows,
                )
            rows.write(session=session)
    except Exception:
        log.warning("batch of %d timers failed; firing them one by one", len(timers))
    else:
        report.add(attempt)
        return
    for timer in timers:
        try:
            with session.begin_nested():
                calendars = Calendars(session=session, config=config)
                _fire(
                    timer,
                    session=session,
                    config=config,
                    now=now,
                    report=report,
                    calendars=calendars,
                )
        except Exception:  # one bad timer must not hold up the others, nor be lost
            log.exception(
                "timer=%s kind=%s handoff=%s failed; retrying in 5m",
                timer.id,
                timer.kind,
                timer.handoff_id,
            )
            defer(timer, now + RETRY_FAILED, "failed; retried later", session=session)


@contextmanager
def _held_logs(logger: logging.Logger) -> Iterator[None]:
    """Hold this thread's records from `logger`; emit them only if the block succeeds, so a
    batch that is rolled back and fired again does not log its nudges twice."""
    held: list[logging.LogRecord] = []
    me = threading.get_ident()

    def hold(record: logging.LogRecord) -> bool:
        if record.thread != me:
            return True
        held.append(record)
        return False

    logger.addFilter(hold)
    try:
        yield
    finally:
        logger.removeFilter(hold)
    for record in held:
        logger.handle(record)


def _fire(
    timer: Timer,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    report: TickReport,
    calendars: Calendars,
    rows: Rows | None = None,
) -> None:
    handoff = get_handoff(timer.handoff_id, session=session)
    wanted = ACCEPTED if timer.kind in (FOLLOW_UP, FOLLOW_UP_ESCALATE) else PENDING
    if handoff is None or handoff.status != wanted or handoff.first_touch:
        timer.note = "nothing to do: the hand-off moved on"
        session.add(timer)
        report.skipped += 1
        return
    if timer.recipient:
        calendar = calendars.of(timer.recipient)
        if not calendar.is_working(now):
            until = calendar.next_working(now)
            defer(timer, until, "outside the recipient's working hours", session=session)
            report.deferred += 1
            return
    report.fired += 1
    report.kinds[timer.kind] = report.kinds.get(timer.kind, 0) + 1
    if timer.kind == REASSIGN:
        if rows is not None:  # what earlier timers queued goes first, as it would one by one
            rows.write(session=session)
        waited = _waited(handoff, session=session, config=config, now=now, calendars=calendars)
        reassign(
            handoff,
            session=session,
            config=config,
            now=now,
            actor="system",
            reason=f"{waited} without a decision",
        )
        return
    send(
        timer.kind,
        handoff,
        timer.recipient or handoff.owner_id,
        session=session,
        config=config,
        now=now,
        actor="system",
        calendars=calendars,
        rows=rows,
    )


def send(
    kind: str,
    handoff: Handoff,
    recipient: str,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    actor: str,
    calendars: Calendars | None = None,
    rows: Rows | None = None,
) -> None:
    """The DM, the threaded note and the event for a nudge or an escalation."""
    assert handoff.id is not None
    template, note, event = MESSAGE[kind]
    waited = _waited(handoff, session=session, config=config, now=now, calendars=calendars)
    if rows is not None:
        rows.send(kind, handoff, recipient, now=now, actor=actor, waited=waited)
    else:
        notify.dm(template, recipient, handoff.id, session=session, now=now, waited=waited)
        notify.thread_note(
            note,
            handoff.id,
            session=session,
            now=now,
            owner=handoff.owner_id,
            recipient=recipient,
            waited=waited,
        )
        log_event(
            event,
            session=session,
            at=now,
            actor=actor,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            recipient=recipient,
            waited=waited,
        )
    log.info(
        "%s handoff=%s lead=%s recipient=%s waited=%s",
        event,
        handoff.id,
        handoff.lead_id,
        recipient,
        waited,
    )


def _waited(
    handoff: Handoff,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    calendars: Calendars | None = None,
) -> str:
    """Working time since the hand-off (or, once accepted, since the acceptance)."""
    since = (
        handoff.decided_at
        if handoff.status == ACCEPTED and handoff.decided_at
        else (handoff.created_at)
    )
    calendars = calendars or Calendars(session=session, config=config)
    calendar = calendars.of(handoff.owner_id)
    return format_wait(calendar.working_between(since, now))
