"""Render the SLA clock's queued messages at delivery time, from the current state: the
facts come from `bot.services.sla_messages`, the words and Block Kit from the views.
Called by the delivery jobs (DM, DM update, thread note)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.services import sla_messages as facts
from bot.services.away import AWAY_DM
from bot.services.dials import DIAL_CHANGED, DIAL_ENDED
from bot.services.dispute_messages import dispute_facts, dispute_id_of
from bot.services.sla_meeting import MeetingDmFacts, meeting_dm_facts, meeting_id_of
from bot.views.away import build_away_reassigned_dm
from bot.views.dials import build_dial_dm
from bot.views.dispute import build_outcome_dm, build_ruling_dm
from bot.views.dispute import thread_note as dispute_note
from bot.views.revisit import build_revisit_dm, build_revisit_thread
from bot.views.sla_meeting import (
    build_meeting_escalation,
    build_meeting_nudge,
    build_settled_meeting_dm,
)
from bot.views.sla_messages import (
    NOTES_TO_MANAGER,
    build_escalation,
    build_manager_fallback,
    build_nudge,
    build_owner_departed,
    build_owner_departed_accepted,
    build_settled_sla_message,
    thread_note,
)
from bot.views.sla_parts import TOUCH_LABELS
from storage.models import ACCEPTED, HANDED_BACK, REJECTED

DECIDED_VERB = {ACCEPTED: "Accepted", REJECTED: "Rejected", HANDED_BACK: "Handed back"}


def render_dm(
    payload: dict[str, Any],
    handoff_id: int,
    *,
    session: Session,
    config: HandshakeConfig,
    permalink: str | None,
) -> dict[str, Any]:
    if payload.get("template") == "revisit":  # a recycled lead: services/recycle
        return build_revisit_dm(payload, handoff_id)
    if payload.get("template") == AWAY_DM:  # its owner went away: services/away
        return build_away_reassigned_dm(payload, handoff_id)
    if payload.get("template") in (DIAL_ENDED, DIAL_CHANGED):  # about a person: services/dials
        return build_dial_dm(payload)
    if (dispute_id := dispute_id_of(payload)) is not None:
        return dispute_dm(payload, dispute_id, session=session, config=config)
    if meeting_id_of(payload) is not None:
        meeting = meeting_dm_facts(payload, session=session, config=config)
        return meeting_message(meeting, permalink=permalink)
    dm = facts.dm_facts(payload, handoff_id, session=session, config=config)
    return dm_message(dm, permalink=permalink)


def dispute_dm(
    payload: dict[str, Any], dispute_id: int, *, session: Session, config: HandshakeConfig
) -> dict[str, Any]:
    """A dispute's DM, drawn from its current state: the ruling form while open, the
    ruling once settled (issue 14 §1)."""
    recipient = str(payload.get("recipient") or "") or None
    dispute = dispute_facts(dispute_id, session=session, config=config, reader=recipient)
    template = str(payload.get("template"))
    if template == "dispute_outcome":
        return build_outcome_dm(dispute)
    return build_ruling_dm(dispute, template=template)


def meeting_message(dm: MeetingDmFacts, *, permalink: str | None) -> dict[str, Any]:
    """A meeting's nudge or escalation: as first sent while the meeting waits, settled
    (no buttons, the outcome) once decided."""
    if not dm.pending:
        return build_settled_meeting_dm(
            lead_label=dm.lead_label,
            escalation=dm.escalation,
            status=dm.status,
            by_name=dm.decided_by_name,
            detail=dm.detail,
            at=dm.decided_at,
            tz=dm.tz,
        )
    if dm.escalation:
        return build_meeting_escalation(
            lead_label=dm.lead_label,
            sdr_name=dm.sdr_name,
            ae_name=dm.ae_name,
            meeting_at=dm.meeting_at,
            due_at=dm.due_at,
            waited=dm.waited,
            tz=dm.tz,
            ae_left=dm.ae_left,
            meeting_id=dm.meeting_id,
        )
    return build_meeting_nudge(
        meeting_id=dm.meeting_id,
        lead_label=dm.lead_label,
        sdr_name=dm.sdr_name,
        meeting_at=dm.meeting_at,
        due_at=dm.due_at,
        tz=dm.tz,
        permalink=permalink,
    )


def dm_message(dm: facts.DmFacts, *, permalink: str | None) -> dict[str, Any]:
    if dm.template in ("nudge", "follow_up_nudge"):
        return build_nudge(
            lead_label=dm.lead_label,
            handoff_id=dm.handoff_id,
            owner_tz=dm.owner_tz or "UTC",
            due_at=dm.due_at,
            waited=dm.waited,
            permalink=permalink,
            tier=dm.tier,
            follow_up=dm.follow_up,
        )
    if dm.template in ("escalation", "follow_up_escalation"):
        return build_escalation(
            lead_label=dm.lead_label,
            handoff_id=dm.handoff_id,
            owner_name=dm.owner_name or "",
            waited=dm.waited,
            due_at=dm.due_at,
            manager_tz=dm.recipient_tz or "UTC",
            permalink=permalink,
            follow_up=dm.follow_up,
        )
    if dm.template == "owner_departed_accepted":
        return build_owner_departed_accepted(
            lead_label=dm.lead_label,
            handoff_id=dm.handoff_id,
            owner_name=dm.previous_owner_name or dm.owner_name,
            reason=dm.reason,
            accepted_at=dm.accepted_at,
            manager_tz=dm.recipient_tz or "UTC",
        )
    if dm.template == "owner_departed":
        return build_owner_departed(
            lead_label=dm.lead_label,
            handoff_id=dm.handoff_id,
            previous_owner_name=dm.previous_owner_name,
            new_owner_name=dm.owner_name,
            reason=dm.reason,
        )
    return build_manager_fallback(
        lead_label=dm.lead_label,
        handoff_id=dm.handoff_id,
        previous_owner_name=dm.previous_owner_name or "its owner",
        waited=dm.waited,
        reason=dm.reason,
    )


def render_thread_note(
    payload: dict[str, Any], *, session: Session, config: HandshakeConfig
) -> dict[str, Any]:
    if payload.get("kind") == "revisit":  # a recycled lead: services/recycle
        owner = config.person(str(payload.get("owner") or ""))
        return build_revisit_thread(payload, owner.name if owner else "The owner")
    if (dispute_id := dispute_id_of(payload)) is not None:
        dispute = dispute_facts(dispute_id, session=session, config=config)
        return dispute_note(str(payload.get("kind")), dispute)
    note = facts.note_facts(payload, session=session)
    return thread_note(
        note.kind,  # type: ignore[arg-type]
        owner_name=note.owner_name or "the owner",
        manager_name=note.recipient_name if note.kind in NOTES_TO_MANAGER else None,
        new_owner_name=note.new_owner_name,
        waited=note.waited,
        detail=note.detail,
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
    if (dispute_id := dispute_id_of(payload)) is not None:  # its ruling shows once settled
        return dispute_dm(payload, dispute_id, session=session, config=config)
    if meeting_id_of(payload) is not None:  # a meeting's: settled once the meeting is decided
        return render_dm(payload, handoff_id, session=session, config=config, permalink=permalink)
    settled = facts.settled_facts(payload, handoff_id, session=session, config=config)
    if settled is None:
        return render_dm(payload, handoff_id, session=session, config=config, permalink=permalink)
    return build_settled_sla_message(
        lead_label=settled.lead_label,
        escalation=settled.escalation,
        outcome=outcome_text(settled),
        detail=settled.detail,
        at=settled.at,
        tz=settled.recipient_tz,
        permalink=permalink,
    )


def outcome_text(settled: facts.Settled) -> str:
    """What happened, in words: "Accepted by Ana", "Reassigned to Ben", "Contacted, logged
    by Ana"."""
    by = settled.by_name or "someone"
    if settled.kind == facts.TOUCHED:
        touch = settled.touch or ""
        return f"{TOUCH_LABELS.get(touch, touch)}, logged by {by}"
    if settled.kind == facts.MOVED_ON:
        return f"Reassigned to {settled.to_name}" if settled.to_name else "Reassigned"
    if settled.kind == facts.DECIDED:
        return f"{DECIDED_VERB.get(settled.status, settled.status)} by {by}"
    if settled.kind == facts.GONE:
        return "Expired"
    return settled.status.replace("_", " ").capitalize()
