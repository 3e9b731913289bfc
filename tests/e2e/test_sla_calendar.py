"""SLA tiers, business hours, and each person's Slack time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import parse_config
from bot.scheduler import refresh_time_zones
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from storage.models import Timer
from tests import factories as f
from tests.helpers import cards_for, dm_messages, rendered


@pytest.fixture
def config():
    return parse_config(
        f.config_data(
            timezone="America/New_York",
            business_hours={
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "09:00",
                "end": "18:00",
                "holidays": ["2026-11-26"],
            },
            sla={
                "respond_within": "4h",
                "escalate_after": "8h",
                "reassign_after": "24h",
                "follow_up_within": "2d",
                "tiers": [
                    {
                        "name": "hot",
                        "when": {"activity": "demo_request"},
                        "respond_within": "15m",
                        "escalate_after": "1h",
                        "reassign_after": "4h",
                    }
                ],
            },
        )
    )


def handoff_of(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)[-1]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_hot_lead_gets_the_hot_tier_clock_and_the_card_says_so(bot, clock):
    body = bot.post_lead(f.lead_body(activities=[{"type": "demo_request"}])).json()
    handoff = handoff_of(bot, body["id"])
    assert handoff.tier == "hot"
    assert handoff.due_at == utc(2026, 11, 23, 14, 15)  # 09:00 New York + 15 working minutes
    bot.deliver()
    assert "hot" in rendered(cards_for(bot.slack, f.CHANNEL, handoff.id)[0])


def test_working_time_skips_the_weekend_and_holidays(bot, clock):
    clock.now = utc(2026, 11, 25, 21, 0)  # Wed 16:00 New York; Thursday is a holiday
    body = bot.post_lead(f.lead_body()).json()
    # 2h on Wednesday, nothing on the holiday, 2h on Friday morning.
    assert handoff_of(bot, body["id"]).due_at == utc(2026, 11, 27, 16, 0)


def test_the_owners_slack_time_zone_moves_their_clock(bot, clock):
    body = bot.post_lead(f.lead_body(owner_email="ben@example.com")).json()
    assert body["owner"] == f.BEN
    # Routed at Mon 09:00 New York, before Ben's Slack time zone was known: New York hours.
    assert handoff_of(bot, body["id"]).due_at == utc(2026, 11, 23, 18, 0)
    bot.deliver()  # posting his card asks Slack for his time zone: America/Los_Angeles
    # His day starts at 09:00 Los Angeles (17:00 UTC): the deadline is 13:00 there.
    assert handoff_of(bot, body["id"]).due_at == utc(2026, 11, 23, 21, 0)
    bot.deliver()  # the channel card, posted before, is redrawn with the moved deadline
    [card] = cards_for(bot.slack, f.CHANNEL, handoff_of(bot, body["id"]).id)
    moved = int(utc(2026, 11, 23, 21, 0).timestamp())
    assert card.edited is not None and f"respond by *<!date^{moved}^" in rendered(card)


def test_messages_wait_for_the_recipients_working_hours(bot, clock):
    bot.slack.state.users[f.MAYA].tz = "Europe/London"
    body = bot.post_lead(f.lead_body()).json()
    bot.deliver()
    assert refresh_time_zones(bot.worker) == len(f.PEOPLE)
    handoff = handoff_of(bot, body["id"])
    clock.now = utc(2026, 11, 23, 22, 0)  # 17:00 New York: Ana has waited 8 working hours
    bot.tick()
    assert _escalations(bot) == []  # 22:00 in London: Maya's day is over
    with unit_of_work(bot.runtime.engine) as session:
        timer = session.get(Timer, _escalate_timer_id(session, handoff.id))
    assert timer.status == "pending" and timer.due_at == utc(2026, 11, 24, 9, 0)
    clock.now = utc(2026, 11, 24, 9, 0)
    bot.tick()
    assert len(_escalations(bot)) == 1


def _escalations(bot):
    return [m for m in dm_messages(bot.slack, f.MAYA) if m.metadata]


def _escalate_timer_id(session, handoff_id: int) -> int:
    from sqlmodel import select

    return session.exec(
        select(Timer.id).where(Timer.handoff_id == handoff_id, Timer.kind == "escalate")
    ).one()


def test_a_snooze_late_in_the_day_says_when_the_reminder_really_comes(bot, clock):
    """At 17:40 with hours to 18:00 the reminder is held to the next morning: the answer
    says so, not 18:40."""
    from bot import ids
    from bot.services import sla_actions
    from tests.helpers import click_card, ephemeral_texts, wait_for

    body = bot.post_lead(f.lead_body()).json()
    handoff = handoff_of(bot, body["id"])
    bot.deliver()
    clock.now = utc(2026, 11, 23, 22, 40)  # Mon 17:40 New York
    [card] = [m for m in dm_messages(bot.slack, handoff.owner_id) if m.blocks]
    click_card(bot, handoff.owner_id, ids.SNOOZE, handoff, card)
    said = wait_for(
        lambda: [t for t in ephemeral_texts(bot.slack, handoff.owner_id) if "Snoozed" in t]
    )
    assert "Tue 24 Nov 2026, 09:00 EST" in said[-1], said
    due = sla_actions.snoozed_until(handoff.owner_id, runtime=bot.runtime, now=clock())
    assert due == utc(2026, 11, 24, 14, 0)


def test_a_follow_up_nudge_held_to_the_morning_still_names_the_real_deadline(bot, clock):
    """2d of working time from an accept at Mon 15:00 New York ends exactly at a closing
    time (Tue 1 Dec 18:00, the holiday skipped): the nudge is held to Wednesday 09:00 and
    says the first touch was due Tuesday 18:00, not the time it was held to."""
    from bot.services.decisions import ACCEPT, decide

    body = bot.post_lead(f.lead_body()).json()
    handoff = handoff_of(bot, body["id"])
    bot.deliver()  # learns the owner's zone (New York)
    clock.now = utc(2026, 11, 23, 20, 0)  # Mon 15:00 New York
    assert decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime).result == "recorded"
    bot.deliver()
    clock.now = utc(2026, 12, 1, 23, 0)  # Tue 18:00: closing time, held
    bot.tick()
    clock.now = utc(2026, 12, 2, 14, 0)  # Wed 09:00
    bot.tick()
    nudges = [
        rendered(m)
        for m in dm_messages(bot.slack, handoff.owner_id)
        if "no first touch logged yet" in rendered(m)
    ]
    assert len(nudges) == 1 and "Tue 1 Dec 2026, 18:00 EST" in nudges[0], nudges
    from bot.services.home import home_for

    [touch] = home_for(handoff.owner_id, runtime=bot.runtime).queue.touch  # Home says the same
    assert touch.follow_up_due == utc(2026, 12, 1, 23, 0) and touch.overdue


def test_stale_counts_overdue_in_working_time(bot, clock):
    """Due Friday 13:00 New York, asked Monday 09:00: 5h of working time overdue, not 68h
    (the deadline itself was counted in working time)."""
    from bot.reports.scope import scope_for
    from bot.reports.stale import stale

    clock.now = utc(2026, 11, 27, 14, 0)  # Fri 09:00 New York: due 13:00
    body = bot.post_lead(f.lead_body()).json()
    assert handoff_of(bot, body["id"]).due_at == utc(2026, 11, 27, 18, 0)
    clock.now = utc(2026, 11, 30, 14, 0)  # Mon 09:00 New York
    config = bot.runtime.config
    with unit_of_work(bot.runtime.engine) as session:
        report = stale(session=session, config=config, scope=scope_for(config, f.MAYA),
                       now=clock())  # fmt: skip
    [item] = report.items
    assert item.overdue_minutes == 5 * 60
