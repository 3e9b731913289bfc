"""The SDR → AE stage's clock end to end: the AE nudged about a meeting still to decide
(with the three decisions), the AE's manager told, each exactly once, on time; nothing once
the meeting is decided; out of hours the DM waits for the recipient's next morning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import ids
from bot.config import parse_config
from bot.services.sla_clock import start_meeting_clock, stop_meeting_clock
from storage.db import unit_of_work
from storage.meetings import claim_meeting_decision, get_meeting
from storage.models import (
    MEETING_ACCEPTED,
    MEETING_REMIND,
    MEETING_SENT_BACK,
    TIMER_FIRED,
    TIMER_PENDING,
    Event,
    Timer,
)
from storage.people import set_tz
from tests import factories as f
from tests.helpers import button_texts, dm_messages, rendered
from tests.storage.conftest import make_meeting

DECISIONS = ["Accept into pipeline", "Send back to SDR", "Reject"]


def book(bot, **overrides):
    """A meeting Sam booked with Jordan Lee (Acme) for Ana, its clock started."""
    with unit_of_work(bot.runtime.engine) as session:
        for who, tz in ((f.ANA, "America/New_York"), (f.MAYA, "UTC")):
            set_tz(who, tz, session=session)  # as Slack tells it: no re-plan mid-test
        meeting = make_meeting(session, **overrides)
        start_meeting_clock(meeting, session=session, config=bot.runtime.config, now=f.START)
        session.flush()
        return meeting.id, meeting.due_at, meeting.meeting_at


def meeting_dms(bot, user, meeting_id):
    return [
        m
        for m in dm_messages(bot.slack, user)
        if (m.metadata or {}).get("event_type") == ids.DM_METADATA_EVENT
        and (m.metadata.get("event_payload") or {}).get("meeting_id") == meeting_id
    ]


def event_kinds(bot):
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in session.exec(select(Event).order_by(Event.id))]


def timers(bot, meeting_id):
    with unit_of_work(bot.runtime.engine) as session:
        query = select(Timer).where(Timer.meeting_id == meeting_id).order_by(Timer.id)
        return [(t.kind, t.status, t.due_at, t.note) for t in session.exec(query)]


def test_the_ae_is_nudged_then_the_manager_told_each_once_on_time(bot, clock):
    meeting_id, due, meeting_at = book(bot)
    clock.now = due - timedelta(minutes=1)
    bot.tick()
    assert meeting_dms(bot, f.ANA, meeting_id) == []

    clock.now = due
    bot.tick()
    bot.tick()
    [nudge] = meeting_dms(bot, f.ANA, meeting_id)
    text = rendered(nudge)
    assert "Still to decide: the meeting *Sam Diaz* booked with *Jordan Lee" in text
    assert "(Acme)" in text and "Tue 24 Nov 2026, 09:00 EST" in text  # in Ana's zone
    assert button_texts(nudge) == DECISIONS
    assert {b["value"] for b in nudge.blocks[-1]["elements"]} == {str(meeting_id)}
    assert [b["action_id"] for b in nudge.blocks[-1]["elements"]] == [
        ids.MEETING_ACCEPT,
        ids.MEETING_SEND_BACK,
        ids.MEETING_REJECT,
    ]
    assert meeting_dms(bot, f.MAYA, meeting_id) == []

    clock.now = meeting_at + bot.runtime.config.sla.meeting.escalate_after
    bot.tick()
    bot.tick()
    [escalation] = meeting_dms(bot, f.MAYA, meeting_id)
    assert "*Ana Alvarez* has not decided on the meeting *Sam Diaz* booked" in rendered(escalation)
    assert "48h of working time since the meeting" in rendered(escalation)
    assert button_texts(escalation) == []  # the AE decides, on the card
    assert len(meeting_dms(bot, f.ANA, meeting_id)) == 1
    assert event_kinds(bot).count("meeting_nudged") == 1
    assert event_kinds(bot).count("meeting_escalated") == 1
    assert {status for _, status, _, _ in timers(bot, meeting_id)} == {TIMER_FIRED}


def test_a_meeting_decided_first_sends_nothing(bot, clock):
    cancelled, due, _ = book(bot)
    raced, _, _ = book(bot)
    with unit_of_work(bot.runtime.engine) as session:
        for meeting_id in (cancelled, raced):
            claim_meeting_decision(
                meeting_id,
                session=session,
                status=MEETING_ACCEPTED,
                decided_by=f.ANA,
                decided_at=f.START,
            )
        stop_meeting_clock(cancelled, session=session, now=f.START, why="accepted")
    clock.now = due + timedelta(days=5)
    bot.tick()
    assert meeting_dms(bot, f.ANA, cancelled) == meeting_dms(bot, f.ANA, raced) == []
    assert meeting_dms(bot, f.MAYA, raced) == []
    notes = {note for _, _, _, note in timers(bot, raced)}
    assert notes == {"nothing to do: the meeting was decided"}
    assert "meeting_nudged" not in event_kinds(bot)


def test_a_decision_settles_the_nudge_in_place(bot, clock):
    meeting_id, due, _ = book(bot)
    clock.now = due
    bot.tick()
    clock.advance(minutes=5)
    with unit_of_work(bot.runtime.engine) as session:
        claim_meeting_decision(
            meeting_id,
            session=session,
            status=MEETING_SENT_BACK,
            decided_by=f.ANA,
            decided_at=clock(),
            failed_criterion="PROFIT",
            decision_note="no budget this year",
        )
        stop_meeting_clock(meeting_id, session=session, now=clock(), why="sent back")
    bot.deliver()
    [nudge] = meeting_dms(bot, f.ANA, meeting_id)
    assert button_texts(nudge) == []
    text = rendered(nudge)
    assert "Sent back to the SDR by Ana Alvarez" in text
    assert "Can we deliver with profit? — no budget this year" in text
    clock.advance(days=3)
    bot.tick()
    assert meeting_dms(bot, f.MAYA, meeting_id) == []  # the escalation was cancelled


class TestBusinessHours:
    @pytest.fixture
    def config(self):
        hours = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"}
        return parse_config(f.config_data(timezone="America/New_York", business_hours=hours))

    def test_out_of_hours_the_nudge_waits_for_the_ae_s_next_morning(self, bot, clock):
        meeting_id, due, _ = book(bot)
        # From Tue 09:00 EST, 24 working hours of 9 a day: Thu 15:00 EST.
        assert due == datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
        clock.now = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # the tick ran late: 23:00 EST
        bot.tick()
        assert meeting_dms(bot, f.ANA, meeting_id) == []
        remind = next(t for t in timers(bot, meeting_id) if t[0] == MEETING_REMIND)
        morning = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Fri 09:00 EST
        assert remind[1:3] == (TIMER_PENDING, morning)
        clock.now = morning - timedelta(minutes=1)
        bot.tick()
        assert meeting_dms(bot, f.ANA, meeting_id) == []
        clock.now = morning
        bot.tick()
        bot.tick()
        assert len(meeting_dms(bot, f.ANA, meeting_id)) == 1
        with unit_of_work(bot.runtime.engine) as session:
            assert get_meeting(meeting_id, session=session).status == "pending"
