"""Lead queries."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Handoff, Lead


def get_lead(lead_id: int, *, session: Session) -> Lead | None:
    return session.get(Lead, lead_id)


def find_lead(source: str, external_id: str, *, session: Session) -> Lead | None:
    query = select(Lead).where(Lead.source == source, Lead.external_id == external_id)
    return session.exec(query).first()


def account_owner(company_domain: str, exclude_lead_id: int, *, session: Session) -> str | None:
    """Who owned the latest hand-off of another lead from the same company domain."""
    query = (
        select(Handoff.owner_id)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(Lead.company_domain == company_domain.lower(), Lead.id != exclude_lead_id)
        .order_by(col(Handoff.created_at).desc(), col(Handoff.id).desc())
        .limit(1)
    )
    return session.exec(query).first()
