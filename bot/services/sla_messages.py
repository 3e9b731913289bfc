"""What the SLA clock's queued messages say, read at delivery time from the current
state: plain data (names, time zones, deadlines, the outcome once settled). The words and
the Block Kit are the views' (`bot.views.sla_delivery` puts the two together)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.services.cards import person_name
from bot.services.sla_clock import first_touch_due
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.leads import get_lead
from storage.models import (
    ACCEPTED,
    EXPIRED,
    HANDED_BACK,
    PENDING,
    REASSIGNED,
    REJECTED,
    Handoff,
    Lead,
)
from storage.people import get_person

THREAD_KINDS = {
    "nudge",
    "escalation",
    "reassigned",
    "follow_up_nudge",
    "follow_up_escalation",
    "touch",
    "owner_left",  # services/departures: an accepted lead's owner left before a first touch
}
DM_TEMPLATES = {
    "nudge",
    "follow_up_nudge",
    "escalation",
    "follow_up_escalation",
    "manager_fallback",
    "owner_departed",  # services/departures: the owner left; the manager is told who has it
    "owner_departed_accepted",  # ... before a first touch on a lead they accepted
}


@dataclass(frozen=True)
class DmFacts:
    """What a nudge, an escalation or a manager's fallback DM shows."""

    template: str
    handoff_id: int
    lead_label: str
    follow_up: bool
    waited: str
    tier: str | None = None
    due_at: datetime | None = None
    owner_tz: str | None = None  # nudges: the owner reads it
    owner_name: str | None = None  # escalations: the owner the manager is told about
    recipient_tz: str | None = None  # escalations: the manager reads it
    previous_owner_name: str | None = None  # manager_fallback, owner_departed(_accepted)
    reason: str = ""  # manager_fallback, owner_departed(_accepted)
    accepted_at: datetime | None = None  # owner_departed_accepted


@dataclass(frozen=True)
class NoteFacts:
    """What a threaded note under the channel card shows; names None when unknown."""

    kind: str
    owner_name: str | None
    recipient_name: str | None
    new_owner_name: str | None
    waited: Any
    detail: str | None


# What became of a hand-off a nudge or an escalation asked about (`Settled.kind`).
TOUCHED, MOVED_ON, DECIDED, GONE, OTHER = "touched", "reassigned", "decided", "expired", "other"


@dataclass(frozen=True)
class Settled:
    """A nudge or an escalation whose question has been answered."""

    lead_label: str
    escalation: bool
    kind: str  # TOUCHED, MOVED_ON, DECIDED, GONE or OTHER
    status: str  # the hand-off's status
    at: datetime | None
    recipient_tz: str
    by_name: str | None = None  # who decided (or, TOUCHED, who logged the touch)
    touch: str | None = None  # TOUCHED: which first touch
    to_name: str | None = None  # MOVED_ON: the next owner
    detail: str | None = None  # the reason, as recorded


def tz_of(slack_id: str | None, *, session: Session, config: HandshakeConfig) -> str:
    person = get_person(slack_id, session=session) if slack_id else None
    return (person.tz if person and person.tz else None) or config.timezone


def _due(
    handoff: Handoff, lead: Lead, follow_up: bool, *, session: Session, config: HandshakeConfig
) -> datetime | None:
    """The deadline a message is about: the decision's, or (follow-up) the first touch's,
    as the card shows it (not the timer's time, which a snooze or working hours move)."""
    if not follow_up:
        return handoff.due_at
    return first_touch_due(handoff, lead, session=session, config=config)


def _handoff_and_lead(handoff_id: int, *, session: Session) -> tuple[Handoff, Lead]:
    handoff = get_handoff(handoff_id, session=session)
    lead = get_lead(handoff.lead_id, session=session) if handoff else None
    if handoff is None or lead is None:
        raise LookupError(f"hand-off {handoff_id} is gone")
    return handoff, lead


def dm_facts(
    payload: dict[str, Any], handoff_id: int, *, session: Session, config: HandshakeConfig
) -> DmFacts:
    handoff, lead = _handoff_and_lead(handoff_id, session=session)
    template = payload.get("template")
    if template not in DM_TEMPLATES:
        raise ValueError(f"unknown DM template {template!r}")
    template = str(template)
    follow_up = template.startswith("follow_up")
    base = DmFacts(
        template=template,
        handoff_id=handoff_id,
        lead_label=lead_label(lead),
        follow_up=follow_up,
        waited=str(payload.get("waited") or ""),
    )
    if template in ("nudge", "follow_up_nudge"):
        return replace(
            base,
            owner_tz=tz_of(handoff.owner_id, session=session, config=config),
            due_at=_due(handoff, lead, follow_up, session=session, config=config),
            tier=handoff.tier,
        )
    if template in ("escalation", "follow_up_escalation"):
        return replace(
            base,
            owner_name=person_name(handoff.owner_id, session=session) or handoff.owner_id,
            due_at=_due(handoff, lead, follow_up, session=session, config=config),
            recipient_tz=tz_of(payload.get("recipient"), session=session, config=config),
        )
    return replace(
        base,
        owner_name=person_name(handoff.owner_id, session=session) or handoff.owner_id,
        previous_owner_name=person_name(payload.get("previous_owner"), session=session),
        reason=str(payload.get("reason") or ""),
        accepted_at=handoff.decided_at if template == "owner_departed_accepted" else None,
        recipient_tz=tz_of(payload.get("recipient"), session=session, config=config),
    )


def note_facts(payload: dict[str, Any], *, session: Session) -> NoteFacts:
    kind = str(payload.get("kind"))
    if kind not in THREAD_KINDS:
        raise ValueError(f"unknown thread note {kind!r}")
    detail = payload.get("reason") or payload.get("touch")
    return NoteFacts(
        kind=kind,
        owner_name=person_name(payload.get("owner"), session=session),
        recipient_name=person_name(payload.get("recipient"), session=session),
        new_owner_name=person_name(payload.get("new_owner"), session=session),
        waited=payload.get("waited"),
        detail=str(detail) if detail else None,
    )


def settled_facts(
    payload: dict[str, Any], handoff_id: int, *, session: Session, config: HandshakeConfig
) -> Settled | None:
    """What became of the hand-off a nudge or an escalation asked about; None while it
    still waits for what the message asked (a decision, or for a follow-up a first touch)."""
    handoff, lead = _handoff_and_lead(handoff_id, session=session)
    template = str(payload.get("template"))
    follow_up = template.startswith("follow_up")
    if handoff.status == PENDING or (
        follow_up and handoff.status == ACCEPTED and not handoff.first_touch
    ):
        return None
    by = person_name(handoff.decided_by, session=session)
    base = Settled(
        lead_label=lead_label(lead),
        escalation=template.endswith("escalation"),
        kind=OTHER,
        status=handoff.status,
        at=handoff.decided_at,
        recipient_tz=tz_of(str(payload.get("recipient") or ""), session=session, config=config),
        by_name=by,
    )
    if follow_up and handoff.first_touch:
        toucher = person_name(handoff.touched_by, session=session) or by
        return replace(
            base,
            kind=TOUCHED,
            by_name=toucher,
            touch=handoff.first_touch,
            detail=handoff.touch_reason_label,
            at=handoff.first_touch_at,
        )
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
        return replace(base, kind=MOVED_ON, to_name=to)
    if handoff.status in (ACCEPTED, REJECTED, HANDED_BACK):
        return replace(base, kind=DECIDED, detail=handoff.reason_label)
    return replace(base, kind=GONE if handoff.status == EXPIRED else OTHER)
