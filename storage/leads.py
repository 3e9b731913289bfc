"""Lead queries."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from storage.models import Handoff, Lead


def get_lead(lead_id: int, *, session: Session) -> Lead | None:
    return session.get(Lead, lead_id)


def find_lead(source: str, external_id: str, *, session: Session) -> Lead | None:
    query = select(Lead).where(Lead.source == source, Lead.external_id == external_id)
    return session.exec(query).first()


def account_owner(
    company_domain: str,
    exclude_lead_id: int,
    *,
    session: Session,
    among: Collection[str] | None = None,
) -> str | None:
    """Who owned the latest hand-off of another lead from the same company domain (of
    `among`, when given: the AE stage looks for an AE)."""
    query = (
        select(Handoff.owner_id)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(Lead.company_domain == company_domain.lower(), Lead.id != exclude_lead_id)
        .order_by(col(Handoff.created_at).desc(), col(Handoff.id).desc())
        .limit(1)
    )
    if among is not None:
        query = query.where(col(Handoff.owner_id).in_(list(among)))
    return session.exec(query).first()
