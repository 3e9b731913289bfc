"""Lead queries."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case
from sqlmodel import Session, col, select

from storage.models import ACCEPTED, Handoff, Lead


def get_lead(lead_id: int, *, session: Session) -> Lead | None:
    return session.get(Lead, lead_id)


def find_lead(source: str, external_id: str, *, session: Session) -> Lead | None:
    query = select(Lead).where(Lead.source == source, Lead.external_id == external_id)
    return session.exec(query).first()


def account_owner(
    account_domain: str,
    exclude_lead_id: int,
    *,
    session: Session,
    among: Collection[str] | None = None,
) -> str | None:
    """Who owns the account (`Lead.account_domain`, storage/accounts.py) of another lead:
    the owner of its latest accepted hand-off; when none was ever accepted, the owner of
    its latest hand-off (so a company's second lead still meets its first one's rep).
    Of `among`, when given: the AE stage looks for an AE. `intake_batch.account_owners` is
    the same answer for many accounts at once."""
    query = (
        select(Handoff.owner_id)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(Lead.account_domain == account_domain, Lead.id != exclude_lead_id)
        .order_by(*ACCOUNT_ORDER)
        .limit(1)
    )
    if among is not None:
        query = query.where(col(Handoff.owner_id).in_(list(among)))
    return session.exec(query).first()


# Accepted hand-offs first, then the latest (by creation, then id).
ACCOUNT_ORDER = (
    case((col(Handoff.status) == ACCEPTED, 0), else_=1),
    col(Handoff.created_at).desc(),
    col(Handoff.id).desc(),
)
