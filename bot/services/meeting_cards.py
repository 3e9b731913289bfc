"""What the SDR → AE stage shows, loaded in one place: a hand-off's meetings (the path on
the lead cards) and the AE's meeting card (`MeetingCardContext`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.meetings import get_meeting, meetings_for_handoff, meetings_for_lead
from storage.models import Handoff, Lead, Meeting
from storage.people import get_person


@dataclass(frozen=True)
class MeetingItem:
    """One meeting as the lead cards' path shows it."""

    id: int
    ae_name: str
    status: str
    meeting_at: datetime
    booked_at: datetime
    due_at: datetime
    decided_at: datetime | None = None
    decided_by_name: str | None = None
    failed_question: str | None = None  # sent back: the failed criterion's question
    reason_label: str | None = None  # rejected
    decision_note: str | None = None


@dataclass(frozen=True)
class AnswerItem:
    code: str
    question: str
    answer: str | None  # yes | unsure | no
    comment: str | None


@dataclass(frozen=True)
class MeetingCardContext:
    meeting: Meeting
    lead: Lead
    handoff: Handoff  # the SDR's accepted hand-off
    sdr_name: str
    ae_name: str
    ae_tz: str  # the fallback text of the meeting time's date token
    answers: tuple[AnswerItem, ...]
    accepted_by_name: str | None  # who accepted the first hand-off, and when
    decided_by_name: str | None = None
    earlier: tuple[MeetingItem, ...] = ()  # earlier meetings of this lead
    decision: MeetingItem | None = None  # this meeting, once decided


def name_of(slack_id: str | None, *, session: Session) -> str | None:
    if slack_id is None:
        return None
    person = get_person(slack_id, session=session)
    return person.name if person else slack_id


def question_of(config: HandshakeConfig, code: str | None) -> str | None:
    if not code:
        return None
    criterion = config.qualification.criterion(code)
    return criterion.question if criterion else code


def meeting_item(meeting: Meeting, *, session: Session, config: HandshakeConfig) -> MeetingItem:
    return MeetingItem(
        id=meeting.id or 0,
        ae_name=name_of(meeting.ae_id, session=session) or meeting.ae_id,
        status=meeting.status,
        meeting_at=meeting.meeting_at,
        booked_at=meeting.created_at,
        due_at=meeting.due_at,
        decided_at=meeting.decided_at,
        decided_by_name=name_of(meeting.decided_by, session=session),
        failed_question=question_of(config, meeting.failed_criterion),
        reason_label=meeting.reason_label or meeting.reason_code,
        decision_note=meeting.decision_note,
    )


def meeting_items(
    handoff_id: int, *, session: Session, config: HandshakeConfig
) -> tuple[MeetingItem, ...]:
    """The hand-off's meetings, oldest first."""
    return tuple(
        meeting_item(m, session=session, config=config)
        for m in meetings_for_handoff(handoff_id, session=session)
    )


def load_meeting_card(
    meeting_id: int, *, session: Session, config: HandshakeConfig
) -> MeetingCardContext | None:
    meeting = get_meeting(meeting_id, session=session)
    if meeting is None:
        return None
    lead = get_lead(meeting.lead_id, session=session)
    handoff = get_handoff(meeting.handoff_id, session=session)
    if lead is None or handoff is None:
        return None
    ae = get_person(meeting.ae_id, session=session)
    answers = tuple(
        AnswerItem(
            code=str(a.get("code")),
            question=question_of(config, str(a.get("code"))) or str(a.get("code")),
            answer=a.get("answer"),
            comment=a.get("comment"),
        )
        for a in meeting.answers or []
        if isinstance(a, dict)
    )
    earlier = tuple(
        meeting_item(m, session=session, config=config)
        for m in meetings_for_lead(meeting.lead_id, session=session)
        if m.id is not None and meeting.id is not None and m.id < meeting.id
    )
    return MeetingCardContext(
        meeting=meeting,
        lead=lead,
        handoff=handoff,
        sdr_name=name_of(meeting.sdr_id, session=session) or meeting.sdr_id,
        ae_name=ae.name if ae else meeting.ae_id,
        ae_tz=(ae.tz if ae and ae.tz else None) or config.timezone,
        answers=answers,
        accepted_by_name=name_of(handoff.decided_by, session=session),
        decided_by_name=name_of(meeting.decided_by, session=session),
        earlier=earlier,
        decision=meeting_item(meeting, session=session, config=config),
    )
