"""Dispute queries: one dispute per decision (the unique hand-off id), the compare-and-set
that makes the first ruling win, the lists `/handshake disputes` shows and the digest's
counts, and which decisions were overturned (the reject figures leave them out)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import DISPUTE_OPEN, DISPUTE_OVERTURNED, Dispute, Handoff, Lead


def add_dispute(dispute: Dispute, *, session: Session) -> Dispute | None:
    """Insert it; None when the decision was disputed already (the unique hand-off id)."""
    try:
        with session.begin_nested():
            session.add(dispute)
            session.flush()
    except IntegrityError:
        return None
    return dispute


def get_dispute(dispute_id: int, *, session: Session) -> Dispute | None:
    return session.get(Dispute, dispute_id)


def dispute_for_handoff(handoff_id: int, *, session: Session) -> Dispute | None:
    return session.exec(select(Dispute).where(Dispute.handoff_id == handoff_id)).first()


def claim_ruling(
    dispute_id: int,
    *,
    session: Session,
    status: str,
    settled_by: str,
    settled_at: datetime,
    note: str | None,
) -> bool:
    """Settle the dispute if it is still open. False: someone else ruled first."""
    result = session.execute(
        update(Dispute)
        .where(col(Dispute.id) == dispute_id, col(Dispute.status) == DISPUTE_OPEN)
        .values(status=status, settled_by=settled_by, settled_at=settled_at, settle_note=note)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class DisputeRow:
    """One dispute with the decision it challenges, for lists and counts."""

    dispute: Dispute
    lead: Lead
    owner_id: str  # whose lead it was (the "by rep" tallies)
    decision: str  # rejected | handed_back
    reason_code: str | None
    reason_label: str | None
    decided_by: str | None = None  # who made the decision: the owner, or their manager


def disputes_since(
    since: datetime,
    *,
    session: Session,
    until: datetime | None = None,
    owners: Collection[str] | None = None,
    disputed_by: str | None = None,
) -> list[DisputeRow]:
    """Disputes raised in [since, until), newest first; only those on decisions by
    `owners`, or raised by `disputed_by`, when given (both given: either)."""
    query = (
        select(Dispute, Handoff, Lead)
        .join(Handoff, col(Handoff.id) == col(Dispute.handoff_id))
        .join(Lead, col(Lead.id) == col(Dispute.lead_id))
    )
    query = query.where(col(Dispute.created_at) >= since)
    if until is not None:
        query = query.where(col(Dispute.created_at) < until)
    scope: list[ColumnElement[bool]] = []
    if owners is not None:
        scope.append(col(Handoff.owner_id).in_(sorted(owners)))
    if disputed_by is not None:
        scope.append(col(Dispute.disputed_by) == disputed_by)
    if scope:
        query = query.where(scope[0] if len(scope) == 1 else scope[0] | scope[1])
    query = query.order_by(col(Dispute.created_at).desc(), col(Dispute.id).desc())
    return [
        DisputeRow(d, lead, h.owner_id, h.status, h.reason_code, h.reason_label, h.decided_by)
        for d, h, lead in session.exec(query).all()
    ]


def not_overturned() -> ColumnElement[bool]:
    """A WHERE clause: the hand-off's decision was not overturned on dispute. The reject
    figures add it, so an overturned reject stops counting against marketing."""
    overturned = select(Dispute.handoff_id).where(col(Dispute.status) == DISPUTE_OVERTURNED)
    return col(Handoff.id).not_in(overturned.scalar_subquery())


def count_open(*, session: Session) -> int:
    query = select(func.count()).select_from(Dispute).where(col(Dispute.status) == DISPUTE_OPEN)
    return int(session.exec(query).one())
