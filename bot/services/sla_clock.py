"""Setting and stopping a hand-off's clock: the timers that a state change implies."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.availability import aware
from bot.domain.calendar import WorkCalendar, calendar_for
from bot.domain.sla import SlaTimes, deadlines, follow_up_deadlines, select_sla
from storage import outbox
from storage.handoffs import open_handoffs_of
from storage.meetings import get_meeting, pending_meetings_of
from storage.models import (
    ACCEPTED,
    ESCALATE,
    FOLLOW_UP,
    FOLLOW_UP_ESCALATE,
    MEETING_ESCALATE,
    MEETING_REMIND,
    PENDING,
    REASSIGN,
    REMIND,
    REVISIT,
    Handoff,
    Lead,
    Meeting,
)
from storage.people import get_person, set_tz
from storage.timers import (
    add_timer,
    cancel_meeting_timers,
    cancel_timers,
    pending_meeting_timers,
    pending_timers,
)

DECISION_TIMERS = (REMIND, ESCALATE, REASSIGN)
FOLLOW_UP_TIMERS = (FOLLOW_UP, FOLLOW_UP_ESCALATE)


def calendar_of(slack_id: str | None, *, session: Session, config: HandshakeConfig) -> WorkCalendar:
    """A person's working calendar: business hours in their Slack time zone."""
    person = get_person(slack_id, session=session) if slack_id else None
    return calendar_for(config, person.tz if person else None)


def sla_for(lead: Lead, config: HandshakeConfig) -> SlaTimes:
    return select_sla(config.sla, lead.model_dump())


def start_clock(
    handoff: Handoff, lead: Lead, *, session: Session, config: HandshakeConfig, now: datetime
) -> None:
    """A new hand-off: its deadline, and the nudge, escalation and reassignment timers."""
    assert handoff.id is not None
    times = sla_for(lead, config)
    owner_calendar = calendar_of(handoff.owner_id, session=session, config=config)
    due = deadlines(handoff.created_at, times, owner_calendar, owner_calendar)
    handoff.due_at, handoff.tier = due.remind, times.tier
    session.add(handoff)
    manager = config.manager_of(handoff.owner_id)
    add_timer(REMIND, handoff.id, due.remind, session=session, now=now, recipient=handoff.owner_id)
    if manager and manager != handoff.owner_id:
        # The manager holding a lead has nobody to escalate to or hand it to.
        add_timer(ESCALATE, handoff.id, due.escalate, session=session, now=now, recipient=manager)
        add_timer(REASSIGN, handoff.id, due.reassign, session=session, now=now)


def stop_decision_clock(handoff_id: int, *, session: Session, now: datetime, why: str) -> None:
    cancel_timers(handoff_id, session=session, now=now, kinds=DECISION_TIMERS, note=why)


def start_follow_up_clock(
    handoff: Handoff, lead: Lead, *, session: Session, config: HandshakeConfig, now: datetime
) -> datetime:
    """Accepted: the first touch is due by the returned time."""
    assert handoff.id is not None
    times = sla_for(lead, config)
    calendar = calendar_of(handoff.owner_id, session=session, config=config)
    nudge_at, escalate_at = follow_up_deadlines(now, times, calendar)
    add_timer(FOLLOW_UP, handoff.id, nudge_at, session=session, now=now, recipient=handoff.owner_id)
    manager = config.manager_of(handoff.owner_id)
    if manager and manager != handoff.owner_id:
        add_timer(
            FOLLOW_UP_ESCALATE, handoff.id, escalate_at, session=session, now=now, recipient=manager
        )
    return nudge_at


def overdue_minutes(
    slack_id: str, due_at: datetime, now: datetime, *, session: Session, config: HandshakeConfig
) -> float:
    """How far past `due_at` it is, in the person's working time, as the deadline was
    counted (a lead due Friday 13:00 is 5h overdue on Monday 09:00, not 68h)."""
    calendar = calendar_of(slack_id, session=session, config=config)
    return calendar.working_between(aware(due_at), now).total_seconds() / 60


def first_touch_due(
    handoff: Handoff, lead: Lead, *, session: Session, config: HandshakeConfig
) -> datetime | None:
    """When the first touch of an accepted hand-off is due: `follow_up_within` of the
    owner's working time from the accept, as `start_follow_up_clock` planned it. Not the
    follow-up timer's time, which a snooze moves and the tick holds to working hours."""
    if handoff.status != ACCEPTED or handoff.first_touch or handoff.decided_at is None:
        return None
    calendar = calendar_of(handoff.owner_id, session=session, config=config)
    decided = aware(handoff.decided_at)
    return calendar.add(decided, sla_for(lead, config).follow_up_within)


def start_revisit_clock(handoff: Handoff, at: datetime, *, session: Session, now: datetime) -> None:
    """A handed-back lead's revisit date: its owner is asked then, in their working hours."""
    assert handoff.id is not None
    add_timer(REVISIT, handoff.id, at, session=session, now=now, recipient=handoff.owner_id)


def stop_follow_up_clock(handoff_id: int, *, session: Session, now: datetime, why: str) -> int:
    """How many of its timers were still running (0: stopped already)."""
    return cancel_timers(handoff_id, session=session, now=now, kinds=FOLLOW_UP_TIMERS, note=why)


def start_meeting_clock(
    meeting: Meeting, *, session: Session, config: HandshakeConfig, now: datetime
) -> datetime:
    """A meeting booked: the AE's decision is due `sla.meeting.decide_within` after the
    meeting's time, in the AE's working time; a nudge to the AE then, and the AE's manager
    told at `escalate_after`. Returns the due time (also set on the meeting)."""
    assert meeting.id is not None
    calendar = calendar_of(meeting.ae_id, session=session, config=config)
    times = config.sla.meeting
    due = calendar.add(meeting.meeting_at, times.decide_within)
    meeting.due_at = due
    session.add(meeting)
    ids = {"session": session, "now": now, "meeting_id": meeting.id}
    add_timer(MEETING_REMIND, meeting.handoff_id, due, recipient=meeting.ae_id, **ids)
    manager = config.manager_of(meeting.ae_id)
    if manager and manager != meeting.ae_id:
        escalate_at = calendar.add(meeting.meeting_at, times.escalate_after)
        add_timer(MEETING_ESCALATE, meeting.handoff_id, escalate_at, recipient=manager, **ids)
    return due


def stop_meeting_clock(meeting_id: int, *, session: Session, now: datetime, why: str) -> None:
    """A meeting decided: its timers cancelled, and the nudges and escalations already sent
    about it updated in place (their buttons go, the outcome shows)."""
    cancel_meeting_timers(meeting_id, session=session, now=now, note=why)
    meeting = get_meeting(meeting_id, session=session)
    if meeting is None:
        return
    for dm_id in outbox.meeting_dms(meeting.handoff_id, meeting_id, session=session):
        outbox.enqueue(
            outbox.UPDATE_DM,
            "dm",
            session=session,
            now=now,
            handoff_id=meeting.handoff_id,
            payload={"dm": dm_id},
        )


def follow_time_zone(
    slack_id: str, tz: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> int | None:
    """A person's time zone, as Slack reports it: stored, and when it changed, their timers
    re-planned. Returns how many timers moved; None when the time zone did not change."""
    if not set_tz(slack_id, tz, session=session):
        return None
    return replan_for_person(slack_id, session=session, config=config, now=now)


def replan_for_person(
    slack_id: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> int:
    """A person's time zone became known or changed: move the original (not snoozed)
    timers of their pending and accepted hand-offs, and of the meetings waiting for their
    decision, to the new working calendar; a hand-off whose deadline moved has its cards
    redrawn (they show it)."""
    moved = 0
    for handoff, lead in open_handoffs_of(slack_id, session=session):
        times = sla_for(lead, config)
        calendar = calendar_of(slack_id, session=session, config=config)
        if handoff.status == PENDING:
            due = deadlines(handoff.created_at, times, calendar, calendar)
            planned = {REMIND: due.remind, ESCALATE: due.escalate, REASSIGN: due.reassign}
            start = handoff.created_at
            handoff.due_at = due.remind
            session.add(handoff)
        elif handoff.decided_at is not None:
            nudge_at, escalate_at = follow_up_deadlines(handoff.decided_at, times, calendar)
            planned = {FOLLOW_UP: nudge_at, FOLLOW_UP_ESCALATE: escalate_at}
            start = handoff.decided_at
        else:
            continue
        changed = False
        for timer in pending_timers(handoff.id or 0, session=session):
            if timer.kind in planned and timer.created_at == start:
                changed = changed or aware(timer.due_at) != planned[timer.kind]
                timer.due_at = planned[timer.kind]
                session.add(timer)
                moved += 1
        if changed:  # the cards show the deadline ("respond by", "first touch due")
            outbox.refresh_cards(handoff.id or 0, session=session, now=now)
    return moved + _replan_meetings(slack_id, session=session, config=config)


def _replan_meetings(slack_id: str, *, session: Session, config: HandshakeConfig) -> int:
    """The AE's pending meetings: due and escalation again from the meeting's time, in the
    AE's new working calendar (as `start_meeting_clock` planned them)."""
    moved = 0
    calendar = calendar_of(slack_id, session=session, config=config)
    times = config.sla.meeting
    for meeting in pending_meetings_of(slack_id, session=session):
        planned = {
            MEETING_REMIND: calendar.add(meeting.meeting_at, times.decide_within),
            MEETING_ESCALATE: calendar.add(meeting.meeting_at, times.escalate_after),
        }
        meeting.due_at = planned[MEETING_REMIND]
        session.add(meeting)
        for timer in pending_meeting_timers(meeting.id or 0, session=session):
            if timer.kind in planned:
                timer.due_at = planned[timer.kind]
                session.add(timer)
                moved += 1
    return moved
