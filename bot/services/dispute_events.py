"""Events out for disputes (issue 14 §1): `handoff.disputed` and `dispute.settled`, queued
for the webhooks that want them in the change's transaction (services/outgoing.emit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.integrations.events import decision_data, handoff_data
from bot.services.outgoing import emit, wanted
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import Dispute, Handoff


def emit_dispute(
    event_type: str,
    handoff: Handoff,
    dispute: Dispute,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
) -> None:
    if not wanted(config, event_type):
        return
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    extra: dict[str, Any] = {
        "dispute": {
            "id": dispute.id,
            "status": dispute.status,
            "disputed_by": dispute.disputed_by,
            "why": dispute.why,
            "settled_by": dispute.settled_by,
            "note": dispute.settle_note,
        }
    }
    new = get_handoff(dispute.new_handoff_id, session=session) if dispute.new_handoff_id else None
    if new is not None:
        extra["next_handoff"] = handoff_data(config, new)
    emit(
        event_type,
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=decision_data(config, handoff),
        extra=extra,
    )
