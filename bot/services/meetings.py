"""Booking a meeting (the SDR → AE stage): what the form offers, and the booking in one
transaction (the Meeting, the first touch, the AE's clock, the event, the cards, webhooks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.meetings import (
    AE_RULES,
    CHOSEN,
    NOT_SDR_STAGE,
    why_not_book,
)
from bot.domain.routing import ROUND_ROBIN
from bot.integrations.events import meeting_data
from bot.runtime import Runtime
from bot.services.booking_form import (
    AE_FIELD,
    Booking,
    BookingForm,
    input_errors,
)
from bot.services.meeting_routing import (
    advance_cursor,
    ae_choices,
    may_get_meeting,
    sdr_team,
    suggest_ae,
)
from bot.services.outgoing import emit
from bot.services.sla_actions import after_first_touch
from bot.services.sla_clock import start_meeting_clock
from storage import outbox
from storage.db import unit_of_work
from storage.events import log_event, log_refused
from storage.handoffs import claim_first_touch, get_handoff
from storage.leads import get_lead
from storage.meetings import (
    POST_MEETING_CARD,
    add_meeting,
    lock_handoff,
    meetings_for_handoff,
)
from storage.models import Handoff, Meeting
from storage.people import active_people

OK, ONE_CLICK, RECORDED, REFUSED, ALREADY, NOT_FOUND, INVALID = (
    "ok",
    "one_click",  # not the SDR stage: Meeting booked logs the first touch in one click
    "recorded",
    "refused",
    "already",  # `why`: NOT_ACCEPTED, DISQUALIFIED, PENDING_MEETING or CLOSED
    "not_found",
    "invalid",
)


@dataclass(frozen=True)
class BookOutcome:
    result: str
    handoff: Handoff | None = None
    lead_label: str | None = None
    why: str | None = None  # ALREADY: why no booking now
    form: BookingForm | None = None  # OK
    meeting: Meeting | None = None  # RECORDED; ALREADY with a pending or closed one
    errors: dict[str, str] = field(default_factory=dict)  # INVALID: by field


def open_booking(
    handoff_id: int, actor: str, *, runtime: Runtime, now: datetime | None = None
) -> BookOutcome:
    """Before opening the form: the SDR stage, the owner clicking, nothing pending."""
    config, now = runtime.config, now or runtime.clock()
    with unit_of_work(runtime.engine) as session:
        handoff = get_handoff(handoff_id, session=session)
        checked = _check(session, config, handoff, actor, now)
        if checked.result != OK or handoff is None:
            return checked
        lead = get_lead(handoff.lead_id, session=session)
        assert lead is not None
        suggested = suggest_ae(handoff, lead, session=session, config=config, now=now)
        active = {p.slack_id for p in active_people(session=session)}
        form = BookingForm(
            handoff_id=handoff_id,
            lead_label=checked.lead_label or "this lead",
            criteria=tuple(config.qualification.criteria),
            choices=tuple(ae_choices(config, active, suggested)),
            suggested=suggested.owner,
            rule=suggested.rule,
        )
        return BookOutcome(OK, handoff, checked.lead_label, form=form)


def book(
    handoff_id: int,
    actor: str,
    booking: Booking,
    *,
    runtime: Runtime,
    now: datetime | None = None,
) -> BookOutcome:
    """Book the meeting in one transaction, or say what is wrong."""
    config, now = runtime.config, now or runtime.clock()
    errors = input_errors(config, booking, now)
    with unit_of_work(runtime.engine) as session:
        handoff = lock_handoff(handoff_id, session=session)
        checked = _check(session, config, handoff, actor, now)
        if checked.result != OK or handoff is None or handoff.id is None:
            return checked
        _, manager = sdr_team(config, handoff)
        active = {p.slack_id for p in active_people(session=session)}
        ae_id = booking.ae_id or ""
        if ae_id and not may_get_meeting(config, active, ae_id, manager=manager, rule=booking.rule):
            errors[AE_FIELD] = "Pick an AE from the list: that person is not an active AE."
        if errors:
            return BookOutcome(INVALID, handoff, checked.lead_label, errors=errors)
        rule = booking.rule if ae_id == booking.suggested and booking.rule in AE_RULES else CHOSEN
        lead = get_lead(handoff.lead_id, session=session)
        if rule == ROUND_ROBIN and lead is not None:
            advance_cursor(handoff, lead, ae_id, session=session, config=config, now=now)
        assert booking.meeting_at is not None
        meeting = add_meeting(
            Meeting(
                handoff_id=handoff.id,
                lead_id=handoff.lead_id,
                sdr_id=actor,
                ae_id=ae_id,
                ae_rule=rule,
                meeting_at=booking.meeting_at,
                criteria_version=config.qualification.version,
                answers=[
                    {
                        "code": c.code,
                        "answer": booking.answers[c.code].answer,
                        "comment": booking.answers[c.code].comment,
                    }
                    for c in config.qualification.criteria
                ],
                note=booking.note,
                created_at=now,
                due_at=booking.meeting_at,  # start_meeting_clock sets the real deadline
            ),
            session=session,
        )
        start_meeting_clock(meeting, session=session, config=config, now=now)
        touched = _first_touch(session, config, handoff, actor, now)
        _record(session, config, handoff, meeting, actor, now, cards=not touched)
        return BookOutcome(RECORDED, handoff, checked.lead_label, meeting=meeting)


def _check(
    session: Session, config: HandshakeConfig, handoff: Handoff | None, actor: str, now: datetime
) -> BookOutcome:
    if handoff is None or handoff.id is None:
        return BookOutcome(NOT_FOUND)
    owner = config.person(handoff.owner_id)
    meetings = meetings_for_handoff(handoff.id, session=session)
    last = meetings[-1] if meetings else None
    why = why_not_book(
        first_line=config.routing.first_line,
        owner_role=owner.role if owner else None,
        handoff_status=handoff.status,
        first_touch=handoff.first_touch,
        last_meeting_status=last.status if last else None,
    )
    if why == NOT_SDR_STAGE:
        return BookOutcome(ONE_CLICK, handoff)
    lead = get_lead(handoff.lead_id, session=session)
    label = lead_label(lead) if lead else None
    if actor != handoff.owner_id:
        log_refused(session, handoff, actor, "book_meeting", now)
        return BookOutcome(REFUSED, handoff, label)
    if why is not None:
        return BookOutcome(ALREADY, handoff, label, why=why, meeting=last)
    return BookOutcome(OK, handoff, label)


def _first_touch(
    session: Session, config: HandshakeConfig, handoff: Handoff, actor: str, now: datetime
) -> bool:
    """The booking is the hand-off's first touch when none was logged yet (True: it was,
    and both cards are queued for a redraw)."""
    assert handoff.id is not None
    if handoff.first_touch is not None:
        return False
    if not claim_first_touch(handoff.id, session=session, kind="meeting_booked", at=now, by=actor):
        return False
    session.refresh(handoff)
    after_first_touch(handoff, "meeting_booked", actor, session=session, config=config, now=now)
    return True


def _record(
    session: Session,
    config: HandshakeConfig,
    handoff: Handoff,
    meeting: Meeting,
    actor: str,
    now: datetime,
    *,
    cards: bool,
) -> None:
    """The event, the AE's card, both lead cards redrawn (`cards`), and the webhooks."""
    assert handoff.id is not None and meeting.id is not None
    log_event(
        "meeting_booked",
        session=session,
        at=now,
        actor=actor,
        lead_id=handoff.lead_id,
        handoff_id=handoff.id,
        meeting_id=meeting.id,
        ae=meeting.ae_id,
        ae_rule=meeting.ae_rule,
        meeting_at=meeting.meeting_at.isoformat(),
        criteria_version=meeting.criteria_version,
        answers=meeting.answers,
    )
    payload = {"meeting_id": meeting.id}
    outbox.enqueue(
        POST_MEETING_CARD, "ae", session=session, now=now, handoff_id=handoff.id, payload=payload
    )
    if cards:
        outbox.update_cards(handoff.id, session=session, now=now)
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    emit(
        "meeting.booked",
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        extra={"meeting": meeting_data(config, meeting)},
    )
