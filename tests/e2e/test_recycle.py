"""Recycled leads through the scheduler and signed requests: on the revisit date the previous
owner is asked once (a DM and a note under the channel card); Re-engage starts a new
hand-off to them; Keep nurturing takes a new date and asks again then."""

from __future__ import annotations

from datetime import date, timedelta

from bot import ids
from bot.services.decisions import HANDBACK, decide
from sandbox.interactions import Choice
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.leads import get_lead
from storage.people import set_away
from tests import factories as f
from tests.helpers import cards_for, dm_messages, ephemeral_texts, rendered, wait_for

REVISIT_ON = (f.START + timedelta(days=90)).date()  # handed back at START (a Monday)


def revisit_dms(bot, user):
    return [m for m in dm_messages(bot.slack, user) if "Revisit now?" in rendered(m)]


def replies_under_card(bot, handoff):
    card = cards_for(bot.slack, f.CHANNEL, handoff.id)[0]
    return [
        m
        for m in bot.slack.state.messages(f.CHANNEL)
        if m.thread_ts == card.ts and "was asked to revisit" in rendered(m)
    ]


def handed_back(bot, runtime, *, revisit_on: date | None = REVISIT_ON, **lead):
    handoff = f.routed_handoff(bot, **lead).handoff
    outcome = decide(
        handoff.id,
        handoff.owner_id,
        HANDBACK,
        runtime=runtime,
        reason_code="N-TIMING",
        revisit_on=revisit_on,
    )
    assert outcome.result == "recorded"
    bot.deliver()
    return handoff


def kinds(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in events_for_lead(lead_id, session=session)]


def test_the_revisit_reminder_fires_once_on_its_date(bot, clock, runtime):
    handoff = handed_back(bot, runtime)
    clock.now = f.START + timedelta(days=89)  # the day before
    bot.tick()
    assert revisit_dms(bot, handoff.owner_id) == []
    clock.now = f.START + timedelta(days=90)  # on its date (14:00 UTC)
    bot.tick()
    bot.tick()
    bot.deliver()
    (dm,) = revisit_dms(bot, handoff.owner_id)
    text = rendered(dm)
    assert "Jordan Lee (Acme Corp) was handed back 90 days ago" in text
    assert "*Timing: the project is months out*" in text
    assert len(replies_under_card(bot, handoff)) == 1
    assert kinds(bot, handoff.lead_id).count("revisit_due") == 1


def test_without_a_date_it_comes_30_days_after_the_hand_back(bot, clock, runtime):
    handoff = handed_back(bot, runtime, revisit_on=None)
    clock.now = f.START + timedelta(days=29, hours=23)
    bot.tick()
    assert revisit_dms(bot, handoff.owner_id) == []
    clock.now = f.START + timedelta(days=30)
    bot.tick()
    bot.tick()
    assert len(revisit_dms(bot, handoff.owner_id)) == 1


def test_re_engage_starts_a_new_hand_off_to_the_previous_owner(bot, clock, runtime):
    handoff = handed_back(bot, runtime)
    clock.now = f.START + timedelta(days=90)
    bot.tick()
    (dm,) = revisit_dms(bot, handoff.owner_id)
    answer = bot.peer.act(handoff.owner_id, ids.REVISIT_REENGAGE, channel=dm.channel, ts=dm.ts)
    assert answer.status_code == 200
    said = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert "Re-engaged: a new hand-off of Jordan Lee (Acme Corp)" in said[-1]
    with unit_of_work(runtime.engine) as session:
        both = handoffs_for_lead(handoff.lead_id, session=session)
        lead = get_lead(handoff.lead_id, session=session)
    assert len(both) == 2
    new = both[-1]
    assert (new.owner_id, new.status, new.previous_id) == (handoff.owner_id, "pending", handoff.id)
    assert lead.status == "routed" and lead.revisit_at is None
    assert kinds(bot, handoff.lead_id).count("re_engaged") == 1
    # A second click changes nothing.
    bot.peer.act(handoff.owner_id, ids.REVISIT_REENGAGE, channel=dm.channel, ts=dm.ts)
    wait_for(lambda: len(ephemeral_texts(bot.slack, handoff.owner_id)) == 2)
    with unit_of_work(runtime.engine) as session:
        assert len(handoffs_for_lead(handoff.lead_id, session=session)) == 2


def test_keep_nurturing_takes_a_new_date_and_asks_again_then(bot, clock, runtime):
    handoff = handed_back(bot, runtime)
    clock.now = f.START + timedelta(days=90)
    bot.tick()
    (dm,) = revisit_dms(bot, handoff.owner_id)
    later = (clock.now + timedelta(days=60)).date()
    block_id = f"{ids.REVISIT_KEEP}:{handoff.id}"
    answer = bot.peer.act(
        handoff.owner_id,
        ids.REVISIT_KEEP,
        channel=dm.channel,
        ts=dm.ts,
        block_id=block_id,
        choice=Choice(selected_date=later.isoformat()),
    )
    assert answer.status_code == 200
    said = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert f"asked again on {later.isoformat()}" in said[-1]
    with unit_of_work(runtime.engine) as session:
        lead = get_lead(handoff.lead_id, session=session)
    assert lead.status == "handed_back" and lead.revisit_at.date() == later
    assert kinds(bot, handoff.lead_id).count("nurture_extended") == 1
    clock.now = clock.now + timedelta(days=59)
    bot.tick()
    assert len(revisit_dms(bot, handoff.owner_id)) == 1
    clock.now = clock.now + timedelta(days=1)
    bot.tick()
    bot.tick()
    assert len(revisit_dms(bot, handoff.owner_id)) == 2
    assert kinds(bot, handoff.lead_id).count("revisit_due") == 2


def test_a_lead_that_came_back_by_intake_is_not_asked_about(bot, clock, runtime):
    same = {"external_id": "crm-back", "email": "back@acme.example"}
    handoff = handed_back(bot, runtime, **same)
    clock.now = f.START + timedelta(days=90)
    assert bot.post_lead(f.lead_body(**same)).json()["status"] == "routed"
    assert "received_again" in kinds(bot, handoff.lead_id)
    bot.tick()
    bot.deliver()
    assert revisit_dms(bot, handoff.owner_id) == []
    assert "revisit_due" not in kinds(bot, handoff.lead_id)


def test_re_engage_goes_to_the_next_eligible_rep_when_the_previous_owner_is_away(
    bot, clock, runtime
):
    handoff = handed_back(bot, runtime)
    clock.now = f.START + timedelta(days=90)
    bot.tick()
    (dm,) = revisit_dms(bot, handoff.owner_id)
    with unit_of_work(runtime.engine) as session:
        set_away(handoff.owner_id, (clock.now + timedelta(days=7)).date(), session=session)
    answer = bot.peer.act(handoff.owner_id, ids.REVISIT_REENGAGE, channel=dm.channel, ts=dm.ts)
    assert answer.status_code == 200
    said = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert "Re-engaged: a new hand-off of Jordan Lee (Acme Corp)" in said[-1]
    with unit_of_work(runtime.engine) as session:
        both = handoffs_for_lead(handoff.lead_id, session=session)
    assert len(both) == 2
    new = both[-1]
    assert new.owner_id != handoff.owner_id and new.previous_id == handoff.id
    assert runtime.config.person(new.owner_id).team == runtime.config.person(handoff.owner_id).team
    assert new.status == "pending"
    bot.deliver()
    assert cards_for(bot.slack, new.owner_id, new.id)  # the new owner got the card
