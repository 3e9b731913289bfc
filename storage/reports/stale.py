"""`/handshake stale`: pending hand-offs past their deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.models import PENDING, Handoff, Lead


def overdue_pending(
    *, session: Session, now: datetime, owners: frozenset[str] | None, limit: int
) -> tuple[list[tuple[Handoff, Lead]], int]:
    """Pending hand-offs past their deadline, longest overdue first (at most `limit`), and
    how many there are in all."""
    where = [col(Handoff.status) == PENDING, col(Handoff.due_at) < now]
    if owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(owners)))
    total = session.execute(select(func.count()).select_from(Handoff).where(*where)).scalar_one()
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(*where)
        .order_by(col(Handoff.due_at), col(Handoff.id))
        .limit(limit)
    )
    return [(h, lead) for h, lead in session.execute(query).all()], int(total)
