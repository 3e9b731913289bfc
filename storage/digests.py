"""The weekly digest's ledger (`DigestRun`) and the two numbers the reports do not give:
first touches (the end of the funnel) and the slowest decisions.

Like `storage.reports`, every query takes a `Window` of hand-offs created in [since, until).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, extract, func, select
from sqlmodel import Session, col

from storage.models import DECIDED, DigestRun, Event, Handoff, Lead
from storage.reports.window import Window

MEETING_BOOKED = "meeting_booked"  # Handoff.first_touch
POSTED_EVENT = "digest_posted"


def insert_run(
    period_start: datetime, period_end: datetime, *, session: Session, now: datetime
) -> DigestRun:
    """Claim a period: the INSERT is flushed at once, so a second claim of the same period
    raises IntegrityError here (or at commit, on SQLite) and the caller knows it lost."""
    run = DigestRun(period_start=period_start, period_end=period_end, created_at=now)
    session.add(run)
    session.flush()
    return run


def run_for(period_start: datetime, *, session: Session) -> DigestRun | None:
    query = select(DigestRun).where(col(DigestRun.period_start) == period_start)
    return session.scalars(query).first()


def latest_runs(*, session: Session, limit: int = 3) -> list[DigestRun]:
    query = select(DigestRun).order_by(col(DigestRun.period_start).desc()).limit(limit)
    return list(session.scalars(query))


def mark_posted(
    period_start: datetime,
    *,
    session: Session,
    now: datetime,
    channel: str,
    ts: str,
    file_id: str | None,
) -> None:
    run = run_for(period_start, session=session)
    if run is not None:
        run.posted_at, run.channel, run.ts, run.file_id = now, channel, ts, file_id
        session.add(run)


def posted_event(outbox_id: int, *, session: Session) -> Event | None:
    """The `digest_posted` event of one outbox row (a handful a month: read the latest)."""
    query = (
        select(Event)
        .where(col(Event.kind) == POSTED_EVENT)
        .order_by(col(Event.id).desc())
        .limit(50)
    )
    return next(
        (e for e in session.scalars(query) if (e.data or {}).get("outbox_id") == outbox_id), None
    )


@dataclass(frozen=True)
class Touches:
    """Accepted hand-offs created in the window whose first touch is logged (any kind: a
    disqualification comes after contact too), and those whose first touch was a meeting."""

    contacted: int
    meeting: int


def first_touches(window: Window, *, session: Session) -> Touches:
    touched = col(Handoff.first_touch_at).is_not(None)
    query = select(
        func.count(case((touched, 1))),
        func.count(case((col(Handoff.first_touch) == MEETING_BOOKED, 1))),
    ).where(*_created_in(window))
    contacted, meeting = session.execute(query).one()
    return Touches(int(contacted), int(meeting))


@dataclass(frozen=True)
class SlowDecision:
    handoff_id: int
    owner_id: str
    status: str
    minutes: float
    lead_id: int
    first_name: str | None
    last_name: str | None
    email: str
    company: str | None


def slowest_decisions(window: Window, *, session: Session, limit: int = 5) -> list[SlowDecision]:
    """The decided hand-offs created in the window that took longest, longest first."""
    start, end = col(Handoff.created_at), col(Handoff.decided_at)
    minutes = _minutes(session, start, end).label("minutes")
    query = (
        select(
            col(Handoff.id),
            col(Handoff.owner_id),
            col(Handoff.status),
            minutes,
            col(Lead.id),
            col(Lead.first_name),
            col(Lead.last_name),
            col(Lead.email),
            col(Lead.company),
        )
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(*_created_in(window), col(Handoff.status).in_(DECIDED), end.is_not(None))
        .order_by(minutes.desc(), col(Handoff.id))
        .limit(limit)
    )
    return [
        SlowDecision(row[0], row[1], row[2], round(float(row[3]), 3), *row[4:])
        for row in session.execute(query).all()
    ]


def _minutes(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def _created_in(window: Window) -> list[Any]:
    created = col(Handoff.created_at)
    where = [created >= window.since, created < window.until]
    if window.owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(window.owners)))
    return where
