"""Leads waiting for the first shift to start (`routing.on_shift_only`): rows the tick claims
with a compare-and-set on status, so a restart loses none and two instances route each once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.models import TIMER_FIRED, TIMER_PENDING, LeadWait


def add_wait(
    lead_id: int,
    *,
    session: Session,
    arrived_at: datetime,
    give_up_at: datetime,
    due_at: datetime,
    signals: list[str],
) -> LeadWait:
    wait = LeadWait(
        lead_id=lead_id,
        arrived_at=arrived_at,
        give_up_at=give_up_at,
        due_at=min(due_at, give_up_at),
        signals=signals,
    )
    session.add(wait)
    return wait


def due_waits(now: datetime, limit: int, *, session: Session) -> list[LeadWait]:
    query = (
        select(LeadWait)
        .where(col(LeadWait.status) == TIMER_PENDING, col(LeadWait.due_at) <= now)
        .order_by(col(LeadWait.due_at), col(LeadWait.id))
        .limit(limit)
    )
    return list(session.exec(query).all())


def claim_wait(wait_id: int, *, session: Session, now: datetime) -> bool:
    """True for the one caller that moved it from pending to fired."""
    result = session.execute(
        update(LeadWait)
        .where(col(LeadWait.id) == wait_id, col(LeadWait.status) == TIMER_PENDING)
        .values(status=TIMER_FIRED, fired_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def pending_wait(lead_id: int, *, session: Session) -> LeadWait | None:
    query = select(LeadWait).where(
        col(LeadWait.lead_id) == lead_id, col(LeadWait.status) == TIMER_PENDING
    )
    return session.exec(query).first()


FIRED_WAITS_KEEP = timedelta(days=30)


def prune_fired_waits(*, session: Session, now: datetime, limit: int = 1000) -> int:
    """Delete up to `limit` waits fired more than FIRED_WAITS_KEEP ago: the lead was routed
    then, and its `routed` event (with how long it waited) keeps what happened. A pending
    wait is never pruned. The scheduler's housekeeping calls it in batches."""
    old = (
        select(LeadWait.id)
        .where(col(LeadWait.status) == TIMER_FIRED, col(LeadWait.fired_at) < now - FIRED_WAITS_KEEP)
        .limit(limit)
    )
    statement = delete(LeadWait).where(col(LeadWait.id).in_(old.scalar_subquery()))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
