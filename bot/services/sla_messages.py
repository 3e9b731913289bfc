"""Render the SLA clock's queued messages at delivery time, from the current state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.services.cards import person_name
from bot.views.sla_messages import (
    build_escalation,
    build_manager_fallback,
    build_nudge,
    build_settled_sla_message,
    thread_note,
)
from bot.views.sla_parts import TOUCH_LABELS
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.leads import get_lead
from storage.models import (
    ACCEPTED,
    EXPIRED,
    FOLLOW_UP,
    HANDED_BACK,
    PENDING,
    REASSIGNED,
    REJECTED,
    Handoff,
)
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


def render_settled_dm(
    payload: dict[str, Any],
    handoff_id: int,
    *,
    session: Session,
    config: HandshakeConfig,
    permalink: str | None,
) -> dict[str, Any]:
    """A nudge or an escalation as it should read now: with no buttons and the outcome once
    the hand-off has moved on; as first sent while it still waits for what it asked."""
    handoff = get_handoff(handoff_id, session=session)
    lead = get_lead(handoff.lead_id, session=session) if handoff else None
    if handoff is None or lead is None:
        raise LookupError(f"hand-off {handoff_id} is gone")
    template = str(payload.get("template"))
    follow_up = template.startswith("follow_up")
    settled = _outcome(handoff, follow_up=follow_up, session=session)
    if settled is None:
        return render_dm(payload, handoff_id, session=session, config=config, permalink=permalink)
    outcome, detail, at = settled
    return build_settled_sla_message(
        lead_label=lead_label(lead),
        escalation=template.endswith("escalation"),
        outcome=outcome,
        detail=detail,
        at=at,
        tz=_tz(str(payload.get("recipient") or ""), session=session, config=config),
        permalink=permalink,
    )


def _outcome(
    handoff: Handoff, *, follow_up: bool, session: Session
) -> tuple[str, str | None, Any] | None:
    """(what happened, why, when) once the hand-off no longer waits for what the message
    asked (a decision, or for a follow-up a first touch); None while it still does."""
    by = person_name(handoff.decided_by, session=session) or "someone"
    if handoff.status == PENDING or (
        follow_up and handoff.status == ACCEPTED and not handoff.first_touch
    ):
        return None
    if follow_up and handoff.first_touch:
        toucher = person_name(handoff.touched_by, session=session) or by
        label = TOUCH_LABELS.get(handoff.first_touch, handoff.first_touch)
        return f"{label}, logged by {toucher}", handoff.touch_reason_label, handoff.first_touch_at
    if handoff.status == REASSIGNED:
        successor = next(
            (
                h
                for h in handoffs_for_lead(handoff.lead_id, session=session)
                if h.previous_id == handoff.id
            ),
            None,
        )
        to = person_name(successor.owner_id, session=session) if successor else None
        return (f"Reassigned to {to}" if to else "Reassigned"), None, handoff.decided_at
    verb = {ACCEPTED: "Accepted", REJECTED: "Rejected", HANDED_BACK: "Handed back"}.get(
        handoff.status
    )
    if verb is not None:
        return f"{verb} by {by}", handoff.reason_label, handoff.decided_at
    if handoff.status == EXPIRED:
        return "Expired", None, handoff.decided_at
    return handoff.status.replace("_", " ").capitalize(), None, handoff.decided_at
