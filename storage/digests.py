"""The weekly digest's ledger (`DigestRun`) and the two figures the reports do not give:
the funnel of the week's leads and the slowest decisions.

Like `storage.reports`, every query takes a `Window`: of hand-offs created in
[since, until), or (the funnel) of leads received in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, extract, func, or_, select
from sqlmodel import Session, col

from storage.models import (
    ACCEPTED,
    DECIDED,
    MEETING_ACCEPTED,
    DigestRun,
    Event,
    Handoff,
    Lead,
    Meeting,
)
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
class LeadFunnel:
    """Of the leads received in the window, how many (each once, as of now) have an
    accepted hand-off; a first touch logged or a meeting booked; a meeting (a first touch
    "Meeting booked", or the SDR → AE stage's meeting); a meeting accepted into an AE's
    pipeline. Each stage is a subset of the one before, so no share tops 100 %; a lead
    reassigned or re-engaged counts once, in the week it arrived."""

    accepted: int
    contacted: int
    meeting: int
    pipeline: int


def lead_funnel(window: Window, *, session: Session) -> LeadFunnel:
    of_lead = col(Handoff.lead_id) == col(Lead.id)
    meeting_of_lead = col(Meeting.lead_id) == col(Lead.id)
    booked = exists().where(meeting_of_lead)
    met = or_(exists().where(of_lead, col(Handoff.first_touch) == MEETING_BOOKED), booked)
    stages = (
        exists().where(of_lead, col(Handoff.status) == ACCEPTED),
        or_(exists().where(of_lead, col(Handoff.first_touch_at).is_not(None)), booked),
        met,
        exists().where(meeting_of_lead, col(Meeting.status) == MEETING_ACCEPTED),
    )
    created = col(Lead.created_at)
    query = select(*(func.count(case((stage, 1))) for stage in stages)).where(
        created >= window.since, created < window.until
    )
    accepted, contacted, meeting, pipeline = session.execute(query).one()
    return LeadFunnel(int(accepted), int(contacted), int(meeting), int(pipeline))


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
