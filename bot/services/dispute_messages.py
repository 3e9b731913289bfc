"""What a dispute's messages say, loaded when they are delivered (so a DM drawn after the
ruling shows it): the facts for bot/views/dispute.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.services.cards import person_name
from bot.services.sla_messages import tz_of
from storage.disputes import get_dispute
from storage.handoffs import get_handoff
from storage.leads import get_lead


@dataclass(frozen=True)
class DisputeFacts:
    """One dispute as its messages show it (loaded by services/dispute_messages.py)."""

    dispute_id: int
    handoff_id: int
    lead_label: str
    decision: str  # rejected | handed_back
    reason: str | None
    decision_note: str | None
    owner_name: str
    decided_by_name: str  # who made the decision: the owner, or their manager
    disputed_by_name: str
    why: str
    status: str  # open | upheld | overturned
    settled_by_name: str | None = None
    settle_note: str | None = None
    settled_at: datetime | None = None
    new_owner_name: str | None = None
    rerouted: bool = True  # overturned: the lead was re-routed (False: back with sales already)
    tz: str = "UTC"  # the reader's


def dispute_id_of(payload: dict[str, Any]) -> int | None:
    value = payload.get("dispute_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def dispute_facts(
    dispute_id: int, *, session: Session, config: HandshakeConfig, reader: str | None = None
) -> DisputeFacts:
    dispute = get_dispute(dispute_id, session=session)
    handoff = get_handoff(dispute.handoff_id, session=session) if dispute else None
    lead = get_lead(handoff.lead_id, session=session) if handoff else None
    if dispute is None or handoff is None or lead is None:
        raise LookupError(f"dispute {dispute_id} does not exist")
    new = get_handoff(dispute.new_handoff_id, session=session) if dispute.new_handoff_id else None
    decider = handoff.decided_by or handoff.owner_id
    return DisputeFacts(
        dispute_id=dispute_id,
        handoff_id=handoff.id or 0,
        lead_label=lead_label(lead),
        decision=handoff.status,
        reason=handoff.reason_label or handoff.reason_code,
        decision_note=handoff.note,
        owner_name=person_name(handoff.owner_id, session=session) or handoff.owner_id,
        decided_by_name=person_name(decider, session=session) or decider,
        disputed_by_name=person_name(dispute.disputed_by, session=session) or dispute.disputed_by,
        why=dispute.why,
        status=dispute.status,
        settled_by_name=person_name(dispute.settled_by, session=session),
        settle_note=dispute.settle_note,
        settled_at=dispute.settled_at,
        new_owner_name=person_name(new.owner_id, session=session) if new else None,
        rerouted=dispute.new_handoff_id is not None,
        tz=tz_of(reader, session=session, config=config) if reader else config.timezone,
    )
