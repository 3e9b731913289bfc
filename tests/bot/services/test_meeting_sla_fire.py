"""The tick on meeting timers (no Slack): odd rows never crash it, and a person's new time
zone re-plans the clocks of the meetings waiting for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.config import parse_config
from bot.domain.calendar import calendar_for
from bot.services.sla_clock import follow_time_zone, start_meeting_clock
from bot.services.sla_fire import tick
from storage.db import unit_of_work
from storage.models import (
    MEETING_ACCEPTED,
    MEETING_ESCALATE,
    MEETING_REMIND,
    TIMER_FIRED,
    Meeting,
    Outbox,
    Timer,
)
from storage.timers import add_timer
from tests import factories as f
from tests.storage.conftest import make_meeting


def test_a_meeting_timer_without_its_meeting_or_person_does_not_crash_the_tick(runtime):
    with unit_of_work(runtime.engine) as session:
        meeting = make_meeting(session)
        orphan = add_timer(
            MEETING_REMIND, meeting.handoff_id, f.START, session=session, now=f.START
        )
        stranger = add_timer(
            MEETING_ESCALATE,
            meeting.handoff_id,
            f.START,
            session=session,
            now=f.START,
            recipient="U0GONE001",  # not on the roster (any more)
            meeting_id=meeting.id,
        )
        session.flush()
        ids = orphan.id, stranger.id
    report = tick(runtime, now=f.START + timedelta(minutes=1))
    assert (report.fired, report.skipped, report.deferred) == (1, 1, 0)
    with unit_of_work(runtime.engine) as session:
        rows = {t.id: (t.status, t.note) for t in session.exec(select(Timer))}
        [dm] = session.exec(select(Outbox)).all()
    assert rows[ids[0]] == (TIMER_FIRED, "nothing to do: the meeting is gone")
    assert rows[ids[1]] == (TIMER_FIRED, None)
    assert dm.payload == {
        "template": "meeting_escalation",
        "recipient": "U0GONE001",
        "meeting_id": meeting.id,
        "waited": "0m",
    }


def test_a_new_time_zone_moves_the_clocks_of_the_ae_s_pending_meetings(engine):
    hours = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
    config = parse_config(f.config_data(timezone="UTC", business_hours=hours))
    with unit_of_work(engine) as session:
        pending = make_meeting(session)
        decided = make_meeting(session)
        for meeting in (pending, decided):
            start_meeting_clock(meeting, session=session, config=config, now=f.START)
        decided.status = MEETING_ACCEPTED
        session.add(decided)
        session.flush()
        before = {t.id: t.due_at for t in session.exec(select(Timer))}
        moved = follow_time_zone(f.ANA, "Asia/Tokyo", session=session, config=config, now=f.START)
        session.flush()
        after = {t.id: (t.meeting_id, t.kind, t.due_at) for t in session.exec(select(Timer))}
        due = {m.id: m.due_at for m in session.exec(select(Meeting))}
    tokyo = calendar_for(config, "Asia/Tokyo")
    at = pending.meeting_at  # Tue 24 Nov 14:00 UTC: 23:00 in Tokyo, after hours
    remind = tokyo.add(at, timedelta(hours=24))
    escalate = tokyo.add(at, timedelta(hours=48))
    assert remind == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 3 days of 8h: Fri 17:00 JST
    assert moved == 2
    assert due[pending.id] == remind
    mine = {kind: at for m, kind, at in after.values() if m == pending.id}
    assert mine == {MEETING_REMIND: remind, MEETING_ESCALATE: escalate}
    untouched = {i: at for i, (m, _, at) in after.items() if m == decided.id}
    assert untouched == {i: before[i] for i in untouched}
    assert due[decided.id] == decided.due_at
