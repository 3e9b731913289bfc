"""Rows that only pile up, pruned in bounded batches by the scheduler's housekeeping job.

What goes and what stays (README "How large the database gets"):
- handled Slack request keys older than a day (`storage.requests.prune_requests`);
- settled timers (fired or cancelled) due more than `SETTLED_TIMERS_KEEP` ago, once their
  hand-off is closed: what they did is in the events, and a pending hand-off or an
  accepted one still awaiting its first touch keeps its timers (Home shows their deadline).
Clicks queued for the delivery process (`storage.clicks.prune_clicks`) and fired lead waits
(`storage.lead_waits.prune_fired_waits`) are pruned by their own modules, from the same job.
Events are the audit log and stay; so do leads, hand-offs, import runs and digest runs.
Outbox rows are the delivery engine's (storage/outbox.py) and are not pruned here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select
from sqlmodel import Session, col

from storage.models import ACCEPTED, PENDING, TIMER_PENDING, Handoff, Timer

SETTLED_TIMERS_KEEP = timedelta(days=30)


def prune_settled_timers(*, session: Session, now: datetime, limit: int = 1000) -> int:
    """Delete up to `limit` settled timers of closed hand-offs due before now - 30 days."""
    still_open = exists().where(
        col(Handoff.id) == col(Timer.handoff_id),
        or_(
            col(Handoff.status) == PENDING,
            and_(col(Handoff.status) == ACCEPTED, col(Handoff.first_touch).is_(None)),
        ),
    )
    old = (
        select(Timer.id)
        .where(
            col(Timer.status) != TIMER_PENDING,
            col(Timer.due_at) < now - SETTLED_TIMERS_KEEP,
            ~still_open,
        )
        .limit(limit)
    )
    statement = delete(Timer).where(col(Timer.id).in_(old.scalar_subquery()))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
