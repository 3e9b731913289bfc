"""Away, properly (issue 15 §4), through signed requests and the stand-in Slack: a timed
absence in the person's zone, a Slack status that says away (users.info and the
`user_change` event), and pending hand-offs that would breach moved at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.scheduler import refresh_time_zones
from storage.db import unit_of_work
from storage.handoffs import get_handoff
from storage.models import PENDING, REASSIGNED, Event
from storage.people import get_person, set_tz
from tests import factories as f
from tests.helpers import dm_messages, ephemeral_texts, rendered, wait_for

AWAY_WORDS = "would have waited past its deadline"


def answer(bot, user: str, text: str) -> str:
    before = len(ephemeral_texts(bot.slack, user))
    assert bot.peer.command(user, text).status_code == 200
    return wait_for(lambda: ephemeral_texts(bot.slack, user)[before:])[0]


def owners(bot, count: int = 3) -> list[str]:
    return [bot.post_lead(f.lead_body()).json()["owner"] for _ in range(count)]


def person(bot, slack_id: str):
    with unit_of_work(bot.runtime.engine) as session:
        return get_person(slack_id, session=session)


def status(bot, slack_id: str) -> str:
    with unit_of_work(bot.runtime.engine) as session:
        return get_handoff(slack_id, session=session).status


def away_dms(bot, user: str) -> list[str]:
    return [rendered(m) for m in dm_messages(bot.slack, user) if AWAY_WORDS in rendered(m)]


def events(bot, kind: str) -> list[Event]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Event).where(Event.kind == kind)).all())


def test_a_timed_absence_in_the_persons_zone_skips_them_only_inside_it(bot, clock):
    with unit_of_work(bot.runtime.engine) as session:
        set_tz(f.ANA, "Asia/Kolkata", session=session)
    # 14:00 UTC is 19:30 in Kolkata: away from 21:30 to 23:30 there, 16:00–18:00 UTC.
    text = answer(bot, f.ANA, "away 2026-11-23 21:30 until 2026-11-23 23:30")
    assert "2026-11-23 21:30 (Asia/Kolkata)" in text and "2026-11-23 23:30" in text
    ana = person(bot, f.ANA)
    assert ana.away_to.replace(tzinfo=UTC) == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert f.ANA in owners(bot)  # before it starts
    clock.advance(hours=2, minutes=1)  # 16:01 UTC
    assert f.ANA not in owners(bot)
    clock.advance(hours=2)  # 18:01 UTC: over
    assert f.ANA in owners(bot)


def test_away_off_clears_the_timed_absence_too(bot):
    answer(bot, f.ANA, "away until 2026-11-30 09:00")
    assert f.ANA not in owners(bot)
    assert "Welcome back" in answer(bot, f.ANA, "away off")
    ana = person(bot, f.ANA)
    assert ana.away_from is None and ana.away_to is None and ana.away_until is None
    assert f.ANA in owners(bot)


def test_a_bad_time_loses_nothing(bot):
    answer(bot, f.ANA, "away until 2026-11-30 09:00")
    text = answer(bot, f.ANA, "away 2026-11-24 25:00 until 2026-11-25 09:00")
    assert "not a time like 09:00" in text
    assert person(bot, f.ANA).away_to is not None


def test_a_slack_status_that_says_away_through_user_change(bot):
    assert bot.peer.set_status(f.ANA, ":palm_tree:", "Back Monday").status_code == 200
    wait_for(lambda: person(bot, f.ANA).status_away)
    assert person(bot, f.ANA).status_text == "Back Monday"
    assert f.ANA not in owners(bot)
    bot.peer.set_status(f.ANA, ":calendar:", "In a meeting")
    wait_for(lambda: not person(bot, f.ANA).status_away)
    assert f.ANA in owners(bot)


def test_a_status_that_has_expired_is_not_away(bot, clock):
    past = int(clock().timestamp()) - 60
    bot.peer.set_status(f.ANA, "", "OOO", expiration=past)
    wait_for(lambda: events(bot, "status_away") or person(bot, f.ANA).status_text is None)
    assert not person(bot, f.ANA).status_away


def test_a_slack_status_read_with_the_time_zone_refresh(bot):
    with bot.slack.state.lock:
        bot.slack.state.users[f.ANA].status_text = "Out of office"
    refresh_time_zones(bot.worker)
    assert person(bot, f.ANA).status_away
    assert f.ANA not in owners(bot)
    with bot.slack.state.lock:
        bot.slack.state.users[f.ANA].status_text = ""
    refresh_time_zones(bot.worker)
    assert not person(bot, f.ANA).status_away
    assert f.ANA in owners(bot)


def test_going_away_moves_the_leads_that_would_breach_and_tells_owner_and_manager(bot):
    routed = f.routed_handoff(bot)
    assert routed.handoff.owner_id == f.ANA
    text = answer(bot, f.ANA, "away until 2026-11-27")
    assert "1 pending lead" in text
    assert status(bot, routed.handoff.id) == REASSIGNED
    with unit_of_work(bot.runtime.engine) as session:
        from storage.handoffs import handoffs_for_lead

        newest = handoffs_for_lead(routed.lead_id, session=session)[-1]
    assert newest.owner_id not in (f.ANA,) and newest.status == PENDING
    bot.deliver()
    (to_owner,) = away_dms(bot, f.ANA)
    (to_manager,) = away_dms(bot, f.MAYA)
    assert f"<@{newest.owner_id}>" in to_owner and f"<@{f.ANA}>" in to_manager
    assert len(events(bot, "away_reassigned")) == 1
    # Going away again (the status too) moves nothing twice.
    answer(bot, f.ANA, "away until 2026-11-28")
    bot.peer.set_status(f.ANA, ":palm_tree:", "")
    wait_for(lambda: person(bot, f.ANA).status_away)
    bot.tick()
    assert len(events(bot, "away_reassigned")) == 1
    assert len(away_dms(bot, f.ANA)) == 1


def test_a_hand_off_due_after_a_short_absence_stays(bot):
    routed = f.routed_handoff(bot)
    assert routed.handoff.owner_id == f.ANA
    text = answer(bot, f.ANA, "away until 2026-11-23 15:00")  # an hour; escalation at 8h
    assert "pending" not in text
    bot.deliver()
    assert status(bot, routed.handoff.id) == PENDING
    assert away_dms(bot, f.ANA) == [] and away_dms(bot, f.MAYA) == []


def test_a_status_turning_away_moves_the_leads_at_once(bot):
    routed = f.routed_handoff(bot)
    bot.peer.set_status(f.ANA, ":face_with_thermometer:", "")
    wait_for(lambda: events(bot, "away_reassigned"))
    assert status(bot, routed.handoff.id) == REASSIGNED


def test_a_timed_absence_that_starts_later_moves_the_leads_when_it_starts(bot, clock):
    routed = f.routed_handoff(bot)
    assert person(bot, f.ANA).tz == "America/New_York"  # learned from Slack on delivery
    text = answer(bot, f.ANA, "away 2026-11-23 16:00 until 2026-11-30 09:00")
    assert "2026-11-23 16:00 (America/New_York)" in text
    bot.tick()
    assert status(bot, routed.handoff.id) == PENDING
    clock.advance(hours=6, minutes=59)  # 20:59 UTC: 15:59 in New York
    bot.tick()
    assert status(bot, routed.handoff.id) == PENDING
    clock.advance(minutes=2)
    bot.tick()
    assert status(bot, routed.handoff.id) == REASSIGNED
    bot.tick()
    assert len(events(bot, "away_reassigned")) == 1
    assert len(away_dms(bot, f.ANA)) == 1 and len(away_dms(bot, f.MAYA)) == 1


def test_app_home_shows_the_timed_absence_in_the_persons_zone_and_the_status(bot):
    with unit_of_work(bot.runtime.engine) as session:
        set_tz(f.ANA, "Europe/Berlin", session=session)
    answer(bot, f.ANA, "away 2026-12-24 12:00 until 2026-12-28 09:00")
    bot.peer.set_status(f.ANA, ":palm_tree:", "Skiing")
    wait_for(lambda: person(bot, f.ANA).status_away)
    bot.peer.home_opened(f.ANA)
    home = wait_for(lambda: bot.slack.state.home(f.ANA))
    shown = str(home.to_slack())
    assert "2026-12-24 12:00 (Europe/Berlin) until 2026-12-28 09:00 (Europe/Berlin)" in shown
    assert "Skiing" in shown and "I'm back" in shown
    answer(bot, f.ANA, "away off")
    bot.peer.set_status(f.ANA)
    wait_for(lambda: not person(bot, f.ANA).status_away)
    bot.peer.home_opened(f.ANA)
    wait_for(lambda: "Europe/Berlin" not in str(bot.slack.state.home(f.ANA).to_slack()))
    assert "Skiing" not in str(bot.slack.state.home(f.ANA).to_slack())
