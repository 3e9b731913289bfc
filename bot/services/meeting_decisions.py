"""The AE's decision on a meeting: Accept into pipeline, Send back to SDR (the criterion
that failed, and a note), Reject (a reason). Who may decide and the first decision wins,
as for the first hand-off (bot/services/decisions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.integrations.events import meeting_data
from bot.runtime import Runtime
from bot.services.decisions import may_decide
from bot.services.outgoing import emit
from bot.services.sla_clock import stop_meeting_clock
from storage import outbox
from storage.db import read_only, unit_of_work
from storage.events import log_event
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.meetings import MEETING_DM, UPDATE_MEETING_CARD, claim_meeting_decision, get_meeting
from storage.models import (
    MEETING_ACCEPTED,
    MEETING_PENDING,
    MEETING_REJECTED,
    MEETING_SENT_BACK,
    Meeting,
)
from storage.people import get_person

ACCEPT, SEND_BACK, REJECT = "accept", "send_back", "reject"
STATUS_OF = {ACCEPT: MEETING_ACCEPTED, SEND_BACK: MEETING_SENT_BACK, REJECT: MEETING_REJECTED}
OK, RECORDED, REFUSED, ALREADY, NOT_FOUND, INVALID = (
    "ok",
    "recorded",
    "refused",
    "already",
    "not_found",
    "invalid",
)
# INVALID: the field at fault.
CRITERION_FIELD, REASON_FIELD, NOTE_FIELD = "criterion", "reason", "note"


@dataclass(frozen=True)
class MeetingOutcome:
    result: str
    meeting: Meeting | None = None
    lead_label: str | None = None
    field: str | None = None  # INVALID
    problem: str | None = None  # INVALID: what to tell them


def check_meeting_decider(
    meeting_id: int, actor: str, action: str, *, runtime: Runtime, now: datetime | None = None
) -> MeetingOutcome:
    """Before opening a decision form: may this person decide, and is it still pending?"""
    now = now or runtime.clock()
    with unit_of_work(runtime.engine) as session:
        found = _allowed(session, runtime.config, meeting_id, actor, action, now)
        if found.result != OK or found.meeting is None:
            return found
        if found.meeting.status != MEETING_PENDING:
            return MeetingOutcome(ALREADY, found.meeting, found.lead_label)
        return found


def decide_meeting(
    meeting_id: int,
    actor: str,
    action: str,
    *,
    runtime: Runtime,
    now: datetime | None = None,
    reason_code: str | None = None,
    failed_criterion: str | None = None,
    note: str | None = None,
) -> MeetingOutcome:
    """Record the AE's decision in one transaction: the meeting, its clock stopped, the
    event, the cards (AE's, SDR's, channel's), the SDR's DM and the webhooks."""
    config, now = runtime.config, now or runtime.clock()
    with unit_of_work(runtime.engine) as session:
        found = _allowed(session, config, meeting_id, actor, action, now)
        meeting = found.meeting
        if found.result != OK or meeting is None:
            return found
        if meeting.status != MEETING_PENDING:
            return MeetingOutcome(ALREADY, meeting, found.lead_label)
        note = (note or "").strip()
        if len(note) > NOTE_MAX_LENGTH:
            problem = f"Keep the note to {NOTE_MAX_LENGTH} characters."
            return MeetingOutcome(INVALID, meeting, found.lead_label, NOTE_FIELD, problem)
        reason = None
        if action == REJECT:
            reason = config.reason("reject", reason_code or "")
            if reason is None:
                problem = "Pick a reason from the list."
                return MeetingOutcome(INVALID, meeting, found.lead_label, REASON_FIELD, problem)
        if action == SEND_BACK:
            if config.qualification.criterion(failed_criterion or "") is None:
                problem = "Pick the criterion that failed."
                return MeetingOutcome(INVALID, meeting, found.lead_label, CRITERION_FIELD, problem)
            if not note:
                problem = "Tell the SDR what is missing."
                return MeetingOutcome(INVALID, meeting, found.lead_label, NOTE_FIELD, problem)
        won = claim_meeting_decision(
            meeting_id,
            session=session,
            status=STATUS_OF[action],
            decided_by=actor,
            decided_at=now,
            reason_code=reason.code if reason else None,
            reason_label=reason.label if reason else None,
            failed_criterion=failed_criterion if action == SEND_BACK else None,
            decision_note=note or None,
        )
        session.refresh(meeting)
        if not won:
            _log(session, "meeting_decision_lost", meeting, actor, now, action=action)
            return MeetingOutcome(ALREADY, meeting, found.lead_label)
        stop_meeting_clock(meeting_id, session=session, now=now, why=f"{action} by {actor}")
        _log(
            session,
            f"meeting_{STATUS_OF[action]}",
            meeting,
            actor,
            now,
            reason_code=meeting.reason_code,
            reason=meeting.reason_label,
            failed_criterion=meeting.failed_criterion,
            note=meeting.decision_note,
            minutes=round((now - meeting.meeting_at).total_seconds() / 60, 1),
        )
        _tell(session, config, meeting, now)
        return MeetingOutcome(RECORDED, meeting, found.lead_label)


def _allowed(
    session: Session,
    config: HandshakeConfig,
    meeting_id: int,
    actor: str,
    action: str,
    now: datetime,
) -> MeetingOutcome:
    """The meeting, if it exists and this person may decide on it (refusals are logged)."""
    meeting = get_meeting(meeting_id, session=session)
    if meeting is None:
        return MeetingOutcome(NOT_FOUND)
    lead = get_lead(meeting.lead_id, session=session)
    label = lead_label(lead) if lead else None
    handoff = get_handoff(meeting.handoff_id, session=session)
    team = handoff.team if handoff else None  # an AE off the roster: their team's manager
    if not may_decide(config, meeting.ae_id, actor, team=team):
        _log(session, "click_refused", meeting, actor, now, action=f"meeting_{action}")
        return MeetingOutcome(REFUSED, meeting, label)
    return MeetingOutcome(OK, meeting, label)


def _log(
    session: Session, kind: str, meeting: Meeting, actor: str, now: datetime, **data: object
) -> None:
    log_event(
        kind,
        session=session,
        at=now,
        actor=actor,
        lead_id=meeting.lead_id,
        handoff_id=meeting.handoff_id,
        meeting_id=meeting.id,
        ae=meeting.ae_id,
        **data,
    )


def _tell(session: Session, config: HandshakeConfig, meeting: Meeting, now: datetime) -> None:
    """The AE's card settles, the lead cards show the path, the SDR hears it, and so do
    the webhooks."""
    payload = {"meeting_id": meeting.id}
    where = {"session": session, "now": now, "handoff_id": meeting.handoff_id}
    outbox.enqueue(UPDATE_MEETING_CARD, "ae", payload=payload, **where)
    outbox.update_cards(meeting.handoff_id, session=session, now=now)
    outbox.enqueue(MEETING_DM, "dm", payload={**payload, "recipient": meeting.sdr_id}, **where)
    lead = get_lead(meeting.lead_id, session=session)
    handoff = get_handoff(meeting.handoff_id, session=session)
    assert lead is not None
    emit(
        f"meeting.{meeting.status}",
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        extra={"meeting": meeting_data(config, meeting)},
    )


def viewer_zone(viewer: str, *, runtime: Runtime) -> str:
    """A person's own time zone (for a modal's plain error line), else the config's."""
    with read_only(runtime.engine) as session:
        person = get_person(viewer, session=session)
        return (person.tz if person and person.tz else None) or runtime.config.timezone
