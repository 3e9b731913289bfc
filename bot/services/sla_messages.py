"""Render the SLA clock's queued messages at delivery time, from the current state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.services.cards import person_name
from bot.services.decisions import lead_label
from bot.views.sla_messages import (
    build_escalation,
    build_manager_fallback,
    build_nudge,
    thread_note,
)
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import FOLLOW_UP, Handoff
from storage.people import get_person
from storage.timers import timers_for

THREAD_KINDS = {
    "nudge",
    "escalation",
    "reassigned",
    "follow_up_nudge",
    "follow_up_escalation",
    "touch",
}


def _tz(slack_id: str | None, *, session: Session, config: HandshakeConfig) -> str:
    person = get_person(slack_id, session=session) if slack_id else None
    return (person.tz if person and person.tz else None) or config.timezone


def _due(handoff: Handoff, follow_up: bool, *, session: Session) -> datetime | None:
    """The deadline a message is about: the decision's, or (follow-up) the first touch's,
    as the card shows it (the first follow-up timer, whatever snoozes came after)."""
    if not follow_up:
        return handoff.due_at
    timers = timers_for(handoff.id or 0, session=session)
    return next((t.due_at for t in timers if t.kind == FOLLOW_UP), None)


def render_dm(
    payload: dict[str, Any],
    handoff_id: int,
    *,
    session: Session,
    config: HandshakeConfig,
    permalink: str | None,
) -> dict[str, Any]:
    handoff = get_handoff(handoff_id, session=session)
    lead = get_lead(handoff.lead_id, session=session) if handoff else None
    if handoff is None or lead is None:
        raise LookupError(f"hand-off {handoff_id} is gone")
    template = payload.get("template")
    label, waited = lead_label(lead), str(payload.get("waited") or "")
    follow_up = str(template).startswith("follow_up")
    if template in ("nudge", "follow_up_nudge"):
        return build_nudge(
            lead_label=label,
            handoff_id=handoff_id,
            owner_tz=_tz(handoff.owner_id, session=session, config=config),
            due_at=_due(handoff, follow_up, session=session),
            waited=waited,
            permalink=permalink,
            tier=handoff.tier,
            follow_up=follow_up,
        )
    if template in ("escalation", "follow_up_escalation"):
        recipient = payload.get("recipient")
        return build_escalation(
            lead_label=label,
            handoff_id=handoff_id,
            owner_name=person_name(handoff.owner_id, session=session) or handoff.owner_id,
            waited=waited,
            due_at=_due(handoff, follow_up, session=session),
            manager_tz=_tz(recipient, session=session, config=config),
            permalink=permalink,
            follow_up=follow_up,
        )
    if template == "manager_fallback":
        previous = payload.get("previous_owner")
        return build_manager_fallback(
            lead_label=label,
            handoff_id=handoff_id,
            previous_owner_name=person_name(previous, session=session) or "its owner",
            waited=str(payload.get("waited") or ""),
            reason=str(payload.get("reason") or ""),
        )
    raise ValueError(f"unknown DM template {template!r}")


def render_thread_note(
    payload: dict[str, Any], *, session: Session, config: HandshakeConfig
) -> dict[str, Any]:
    kind = str(payload.get("kind"))
    if kind not in THREAD_KINDS:
        raise ValueError(f"unknown thread note {kind!r}")
    owner = person_name(payload.get("owner"), session=session) or "the owner"
    recipient = person_name(payload.get("recipient"), session=session)
    detail = payload.get("reason") or payload.get("touch")
    return thread_note(
        kind,  # type: ignore[arg-type]
        owner_name=owner,
        manager_name=recipient if kind.endswith("escalation") else None,
        new_owner_name=person_name(payload.get("new_owner"), session=session),
        waited=payload.get("waited"),
        detail=str(detail) if detail else None,
    )
