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

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.runtime import Runtime
from bot.services.dispute_sla import DISPUTE_TIMERS, fire_dispute, why_skip
from bot.services.reassign import reassign
from bot.services.recycle import fire_revisit
from bot.services.sla_meeting import MEETING_TIMERS, fire_meeting
from bot.services.sla_nudge import Calendars, Rows, send, waited_since
from storage.db import unit_of_work
from storage.disputes import get_dispute
from storage.handoffs import get_handoff
from storage.meetings import get_meeting
from storage.models import (
    ACCEPTED,
    FOLLOW_UP,
    FOLLOW_UP_ESCALATE,
    MEETING_PENDING,
    PENDING,
    REASSIGN,
    REVISIT,
    Timer,
)
from storage.timers import claim_due, defer, load_handoffs

log = logging.getLogger("handshake.sla")
RETRY_FAILED = timedelta(minutes=5)


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


def tick(runtime: Runtime, *, now: datetime | None = None, batch: int = 500) -> TickReport:
    """Fire every due timer, a batch per transaction."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
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
    if timer.kind in MEETING_TIMERS:
        _fire_meeting(
            timer,
            session=session,
            config=config,
            now=now,
            report=report,
            calendars=calendars,
            rows=rows,
        )
        return
    if timer.kind in DISPUTE_TIMERS:
        _fire_dispute(
            timer, session=session, now=now, report=report, calendars=calendars, rows=rows
        )
        return
    handoff = get_handoff(timer.handoff_id, session=session)
    if timer.kind == REVISIT:  # a handed-back lead's revisit date (services/recycle)
        if _deferred(timer, session=session, now=now, report=report, calendars=calendars):
            return  # the owner is asked in their working hours, not at midnight UTC
        if handoff is None or not fire_revisit(handoff, session=session, config=config, now=now):
            _skip(timer, "nothing to do: the lead came back", session=session, report=report)
            return
        _count(timer, report)
        return
    wanted = ACCEPTED if timer.kind in (FOLLOW_UP, FOLLOW_UP_ESCALATE) else PENDING
    if handoff is None or handoff.status != wanted or handoff.first_touch:
        _skip(timer, "nothing to do: the hand-off moved on", session=session, report=report)
        return
    if _deferred(timer, session=session, now=now, report=report, calendars=calendars):
        return
    _count(timer, report)
    if timer.kind == REASSIGN:
        if rows is not None:  # what earlier timers queued goes first, as it would one by one
            rows.write(session=session)
        waited = waited_since(handoff, session=session, config=config, now=now, calendars=calendars)
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


def _fire_meeting(
    timer: Timer,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    report: TickReport,
    calendars: Calendars,
    rows: Rows | None,
) -> None:
    """A meeting's nudge or escalation: skipped once the AE has decided (or the meeting is
    gone), deferred out of the recipient's hours, as the hand-off's timers are."""
    meeting = get_meeting(timer.meeting_id, session=session) if timer.meeting_id else None
    if meeting is None or meeting.status != MEETING_PENDING:
        why = "the meeting is gone" if meeting is None else "the meeting was decided"
        _skip(timer, f"nothing to do: {why}", session=session, report=report)
        return
    if _deferred(timer, session=session, now=now, report=report, calendars=calendars):
        return
    _count(timer, report)
    fire_meeting(
        timer, meeting, session=session, config=config, now=now, calendars=calendars, rows=rows
    )


def _fire_dispute(
    timer: Timer,
    *,
    session: Session,
    now: datetime,
    report: TickReport,
    calendars: Calendars,
    rows: Rows | None,
) -> None:
    """A dispute still open: the manager reminded, then the admins told (issue 14 §1)."""
    dispute = get_dispute(timer.dispute_id, session=session) if timer.dispute_id else None
    why = why_skip(dispute)
    if why is not None or dispute is None:
        _skip(timer, why or "nothing to do", session=session, report=report)
        return
    if _deferred(timer, session=session, now=now, report=report, calendars=calendars):
        return
    _count(timer, report)
    fire_dispute(timer, dispute, session=session, now=now, rows=rows)


def _skip(timer: Timer, note: str, *, session: Session, report: TickReport) -> None:
    timer.note = note
    session.add(timer)
    report.skipped += 1


def _deferred(
    timer: Timer, *, session: Session, now: datetime, report: TickReport, calendars: Calendars
) -> bool:
    """Outside the recipient's working hours: the timer waits for their next morning."""
    if not timer.recipient:
        return False
    calendar = calendars.of(timer.recipient)
    if calendar.is_working(now):
        return False
    until = calendar.next_working(now)
    defer(timer, until, "outside the recipient's working hours", session=session)
    report.deferred += 1
    return True


def _count(timer: Timer, report: TickReport) -> None:
    report.fired += 1
    report.kinds[timer.kind] = report.kinds.get(timer.kind, 0) + 1
