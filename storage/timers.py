"""Timers: due work (nudges, escalations, reassignments, follow-ups) as rows.

A tick claims due rows in batches: an indexed query on (status, due_at), locked with
FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serialises writers already), then a
compare-and-set on status, so a restart loses nothing and two instances never fire the
same row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import (
    TIMER_CANCELLED,
    TIMER_FIRED,
    TIMER_PENDING,
    Event,
    Handoff,
    Outbox,
    Timer,
)


def add_timer(
    kind: str,
    handoff_id: int,
    due_at: datetime,
    *,
    session: Session,
    now: datetime,
    recipient: str | None = None,
    meeting_id: int | None = None,
    dispute_id: int | None = None,
) -> Timer:
    timer = Timer(
        kind=kind,
        handoff_id=handoff_id,
        meeting_id=meeting_id,
        dispute_id=dispute_id,
        recipient=recipient,
        due_at=due_at,
        created_at=now,
    )
    session.add(timer)
    return timer


def cancel_timers(
    handoff_id: int,
    *,
    session: Session,
    now: datetime,
    kinds: Iterable[str] | None = None,
    recipient: str | None = None,
    note: str,
) -> int:
    stmt = update(Timer).where(
        col(Timer.handoff_id) == handoff_id, col(Timer.status) == TIMER_PENDING
    )
    if kinds is not None:
        stmt = stmt.where(col(Timer.kind).in_(list(kinds)))
    if recipient is not None:
        stmt = stmt.where(col(Timer.recipient) == recipient)
    result = session.execute(
        stmt.values(status=TIMER_CANCELLED, fired_at=now, note=note).execution_options(
            synchronize_session=False
        )
    )
    return result.rowcount


def cancel_meeting_timers(meeting_id: int, *, session: Session, now: datetime, note: str) -> int:
    """A meeting decided: its nudge and escalation will not fire."""
    result = session.execute(
        update(Timer)
        .where(col(Timer.meeting_id) == meeting_id, col(Timer.status) == TIMER_PENDING)
        .values(status=TIMER_CANCELLED, fired_at=now, note=note)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _meeting_pending(meeting_id: int, kind: str) -> tuple[Any, ...]:
    return (
        col(Timer.meeting_id) == meeting_id,
        col(Timer.kind) == kind,
        col(Timer.status) == TIMER_PENDING,
    )


def cancel_meeting_timer(
    meeting_id: int, kind: str, *, session: Session, now: datetime, note: str
) -> int:
    """One kind of a meeting's pending timers cancelled; how many (0: none was pending)."""
    result = session.execute(
        update(Timer)
        .where(*_meeting_pending(meeting_id, kind))
        .values(status=TIMER_CANCELLED, fired_at=now, note=note)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def bring_forward(meeting_id: int, kind: str, *, session: Session, now: datetime) -> int:
    """A meeting's pending timers of `kind` due now, if they were due later."""
    result = session.execute(
        update(Timer)
        .where(*_meeting_pending(meeting_id, kind), col(Timer.due_at) > now)
        .values(due_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def due_query(now: datetime, limit: int) -> SelectOfScalar[Timer]:
    """The claim query: served by the (status, due_at) index, so its cost follows the
    number of due rows, not the number of pending ones."""
    return (
        select(Timer)
        .where(col(Timer.status) == TIMER_PENDING, col(Timer.due_at) <= now)
        .order_by(col(Timer.due_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def claim_due(now: datetime, limit: int, *, session: Session) -> list[Timer]:
    """Lock and mark fired up to `limit` due timers, oldest first; the caller fires them
    in the same transaction, so a crash before commit leaves them pending."""
    timers = list(session.exec(due_query(now, limit)).all())
    if not timers:
        return []
    ids = [t.id for t in timers]
    session.execute(
        update(Timer)
        .where(col(Timer.id).in_(ids), col(Timer.status) == TIMER_PENDING)
        .values(status=TIMER_FIRED, fired_at=now)
        .execution_options(synchronize_session=False)
    )
    for timer in timers:  # what the UPDATE wrote, without queueing it again for the flush
        set_committed_value(timer, "status", TIMER_FIRED)
        set_committed_value(timer, "fired_at", now)
    return timers


def load_handoffs(timers: Iterable[Timer], *, session: Session) -> dict[int, Handoff]:
    """The hand-offs of a claimed batch, in one query (then found by `session.get`)."""
    ids = sorted({t.handoff_id for t in timers})
    if not ids:
        return {}
    rows = session.exec(select(Handoff).where(col(Handoff.id).in_(ids))).all()
    return {h.id: h for h in rows if h.id is not None}


def defer(timer: Timer, until: datetime, note: str, *, session: Session) -> None:
    """Put a claimed timer back, due later (e.g. the recipient's next working morning)."""
    timer.status, timer.due_at, timer.fired_at, timer.note = TIMER_PENDING, until, None, note
    session.add(timer)


def pending_timers(handoff_id: int, *, session: Session) -> list[Timer]:
    query = (
        select(Timer)
        .where(Timer.handoff_id == handoff_id, Timer.status == TIMER_PENDING)
        .order_by(col(Timer.due_at))
    )
    return list(session.exec(query).all())


def pending_meeting_timers(meeting_id: int, *, session: Session) -> list[Timer]:
    query = (
        select(Timer)
        .where(Timer.meeting_id == meeting_id, Timer.status == TIMER_PENDING)
        .order_by(col(Timer.due_at))
    )
    return list(session.exec(query).all())


def timers_for(handoff_id: int, *, session: Session) -> list[Timer]:
    query = select(Timer).where(Timer.handoff_id == handoff_id).order_by(col(Timer.id))
    return list(session.exec(query).all())


def insert_rows(
    outbox_rows: list[dict[str, Any]], events: list[dict[str, Any]], *, session: Session
) -> None:
    """A batch's outbox rows and events (full column values), one INSERT per table, ids
    not read back: an ORM object per row, built and flushed, cost more than the rest of
    a tick put together."""
    if outbox_rows:
        session.execute(insert(Outbox), outbox_rows)
    if events:
        session.execute(insert(Event), events)
