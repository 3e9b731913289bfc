"""`/handshake stale`: pending hand-offs past their deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from storage.models import PENDING, Handoff, Lead


def overdue_pending(
    *,
    session: Session,
    now: datetime,
    owners: frozenset[str] | None,
    limit: int,
    teams: tuple[str, ...] = (),
) -> tuple[list[tuple[Handoff, Lead]], int]:
    """Pending hand-offs past their deadline, longest overdue first (at most `limit`), and
    how many there are in all. With `owners`, theirs and those of `teams` (a manager's: a
    lead whose owner has left the roster still counts for their team)."""
    where = [col(Handoff.status) == PENDING, col(Handoff.due_at) < now]
    if owners is not None:
        mine = col(Handoff.owner_id).in_(sorted(owners))
        where.append(or_(mine, col(Handoff.team).in_(list(teams))) if teams else mine)
    total = session.execute(select(func.count()).select_from(Handoff).where(*where)).scalar_one()
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(*where)
        .order_by(col(Handoff.due_at), col(Handoff.id))
        .limit(limit)
    )
    return [(h, lead) for h, lead in session.execute(query).all()], int(total)
