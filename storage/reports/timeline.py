"""`/handshake lead`: one lead's hand-offs and events, in order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel import Session, col

from storage.models import Event, Handoff, Lead


@dataclass(frozen=True)
class LeadHistory:
    lead: Lead
    handoffs: tuple[Handoff, ...]
    events: tuple[Event, ...]


def lead_histories(email: str, *, session: Session) -> list[LeadHistory]:
    """Every lead with this email address (one per source), its hand-offs and its events in
    order: three indexed queries whatever the number of leads."""
    wanted = email.strip().lower()
    leads = list(
        session.scalars(select(Lead).where(col(Lead.email) == wanted).order_by(col(Lead.id)))
    )
    ids = [lead.id for lead in leads]
    if not ids:
        return []
    handoffs = session.scalars(
        select(Handoff).where(col(Handoff.lead_id).in_(ids)).order_by(col(Handoff.id))
    ).all()
    lead_of = {h.id: h.lead_id for h in handoffs}
    linked = col(Event.lead_id).in_(ids)
    if lead_of:  # a few events (a failed delivery) name only their hand-off
        linked = or_(linked, col(Event.handoff_id).in_(sorted(lead_of)))
    events = session.scalars(
        select(Event).where(linked).order_by(col(Event.at), col(Event.id))
    ).all()
    return [
        LeadHistory(
            lead,
            tuple(h for h in handoffs if h.lead_id == lead.id),
            tuple(e for e in events if (e.lead_id or lead_of.get(e.handoff_id)) == lead.id),
        )
        for lead in leads
    ]
