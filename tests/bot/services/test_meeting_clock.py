"""The AE's clock on a meeting: due `decide_within` after the meeting in the AE's working
time, a nudge to the AE and an escalation to their manager; stopped once decided."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.config import parse_config
from bot.services.sla_clock import start_meeting_clock, stop_meeting_clock
from storage.db import unit_of_work
from storage.models import (
    MEETING_ESCALATE,
    MEETING_REMIND,
    TIMER_CANCELLED,
    TIMER_PENDING,
    Timer,
)
from tests import factories as f
from tests.storage.conftest import make_meeting


def _timers(session, meeting_id):
    query = select(Timer).where(Timer.meeting_id == meeting_id).order_by(Timer.id)
    return [(t.kind, t.recipient, t.due_at, t.status) for t in session.exec(query)]


def test_a_booked_meeting_nudges_its_ae_then_tells_the_manager(engine):
    data = f.config_data()
    data["sla"] = {**data["sla"], "meeting": {"decide_within": "4h", "escalate_after": "1d"}}
    config = parse_config(data)
    with unit_of_work(engine) as session:
        meeting = make_meeting(session, meeting_at=f.START + timedelta(days=2))
        due = start_meeting_clock(meeting, session=session, config=config, now=f.START)
        session.flush()
        timers = _timers(session, meeting.id)
    at = f.START + timedelta(days=2)
    assert due == at + timedelta(hours=4)
    assert timers == [
        (MEETING_REMIND, f.ANA, at + timedelta(hours=4), TIMER_PENDING),
        (MEETING_ESCALATE, f.MAYA, at + timedelta(days=1), TIMER_PENDING),
    ]


def test_in_business_hours_the_clock_counts_working_time_only(engine):
    data = f.config_data(business_hours={"start": "09:00", "end": "17:00"})
    data["sla"] = {**data["sla"], "meeting": {"decide_within": "4h"}}
    config = parse_config(data)
    friday_4pm = f.START + timedelta(days=4, hours=2)  # START: Monday 14:00 UTC
    with unit_of_work(engine) as session:
        meeting = make_meeting(session, meeting_at=friday_4pm)
        due = start_meeting_clock(meeting, session=session, config=config, now=f.START)
    monday_noon = f.START + timedelta(days=7, hours=-2)
    assert due == monday_noon  # 1h on Friday, 3h on Monday from 09:00


def test_a_decided_meeting_s_timers_are_cancelled_and_others_left(engine):
    config = parse_config(f.config_data())
    with unit_of_work(engine) as session:
        decided = make_meeting(session)
        other = make_meeting(session)
        for meeting in (decided, other):
            start_meeting_clock(meeting, session=session, config=config, now=f.START)
        session.flush()
        stop_meeting_clock(decided.id, session=session, now=f.START, why="accepted")
        statuses = {m.id: {t[3] for t in _timers(session, m.id)} for m in (decided, other)}
    assert statuses == {decided.id: {TIMER_CANCELLED}, other.id: {TIMER_PENDING}}
