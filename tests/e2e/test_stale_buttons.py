"""Nudges and escalations lose their buttons once the lead moves on (decided, reassigned,
first touch logged): each is updated in place, as the cards are, and shows the outcome."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import ids
from bot.scheduler import run_tick
from storage.db import unit_of_work
from storage.models import OUT_DONE, Outbox
from tests import factories as f
from tests.e2e.test_sla_flow import accepted_by_ana, dms_of, handoffs, route
from tests.helpers import button_texts, click_card, rendered, wait_for


@pytest.fixture
def bot(either_bot):
    """Each test twice: a one-click button's work done in the web process, and queued for
    the delivery process (handlers/later.py)."""
    return either_bot


def nudged_and_escalated(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=4)
    bot.tick()
    clock.advance(hours=4)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    assert button_texts(nudge) and button_texts(escalation)
    return body, handoff


def test_a_decision_closes_the_nudge_and_the_escalation(bot, clock):
    body, handoff = nudged_and_escalated(bot, clock)
    card = bot.slack.state.messages(bot.slack.state.dm_channel_id(f.ANA))[0]
    click_card(bot, f.ANA, ids.ACCEPT, handoff, card)
    wait_for(lambda: handoffs(bot, body["id"])[0].status == "accepted")
    bot.deliver()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    for message in (nudge, escalation):
        assert button_texts(message) == []
        assert "Accepted by Ana Alvarez" in rendered(message)
        assert message.edited is not None  # updated in place, not posted again
    assert "Jordan Lee" in rendered(nudge)


def test_a_reassignment_closes_them_and_names_the_new_owner(bot, clock):
    body, _handoff = nudged_and_escalated(bot, clock)
    clock.advance(hours=16)
    bot.tick()
    old, new = handoffs(bot, body["id"])
    assert old.status == "reassigned" and new.owner_id == f.BEN
    for message in (*dms_of(bot, f.ANA, old.id), *dms_of(bot, f.MAYA, old.id)):
        assert button_texts(message) == []
        assert "Reassigned to Ben Brooks" in rendered(message)


def test_the_first_touch_closes_the_follow_up_nudge(bot, clock):
    body, handoff, _card = accepted_by_ana(bot)
    bot.deliver()
    clock.advance(days=2)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    assert "Contacted" in button_texts(nudge)
    click_card(bot, f.ANA, ids.TOUCH_CONTACTED, handoff, nudge)
    wait_for(lambda: handoffs(bot, body["id"])[0].first_touch == "contacted")
    bot.deliver()
    [closed] = dms_of(bot, f.ANA, handoff.id)
    assert button_texts(closed) == []
    assert "Contacted, logged by Ana Alvarez" in rendered(closed)


def test_a_decision_before_the_nudge_went_out_still_closes_it(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=4)
    run_tick(bot.runtime)  # the nudge is queued, not yet sent
    card = bot.slack.state.messages(bot.slack.state.dm_channel_id(f.ANA))[0]
    click_card(bot, f.ANA, ids.ACCEPT, handoff, card)
    wait_for(lambda: handoffs(bot, body["id"])[0].status == "accepted")
    bot.deliver()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    assert button_texts(nudge) == [] and "Accepted by Ana Alvarez" in rendered(nudge)
    with unit_of_work(bot.runtime.engine) as session:
        assert all(r.status == OUT_DONE for r in session.exec(select(Outbox)).all())
