"""The SLA clock end to end: nudge, escalation, reassignment, follow-up, snooze."""

from __future__ import annotations

import json

from sqlmodel import select

from bot import ids
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.models import Timer
from tests import factories as f
from tests.helpers import (
    button_texts,
    cards_for,
    click_card,
    dm_messages,
    ephemeral_texts,
    reassign_with_picker,
    rendered,
    wait_for,
)


def route(bot, **overrides):
    return f.routed_handoff(bot, **overrides).answer


def handoffs(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)


def kinds(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in events_for_lead(lead_id, session=session)]


def dms_of(bot, user, handoff_id):
    """The SLA DMs (not cards) that `user` got about `handoff_id`."""
    return [
        m
        for m in dm_messages(bot.slack, user)
        if (m.metadata or {}).get("event_type") == ids.DM_METADATA_EVENT
        and str(handoff_id) in json.dumps(m.blocks)
    ]


def accepted_by_ana(bot):
    """A lead routed to Ana, who clicks Accept on her card."""
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    card = dm_messages(bot.slack, f.ANA)[0]
    click_card(bot, f.ANA, ids.ACCEPT, handoff, card)
    wait_for(lambda: handoffs(bot, body["id"])[0].status == "accepted")
    return body, handoff, card


def thread_replies(bot, handoff):
    card = cards_for(bot.slack, f.CHANNEL, handoff.id)[0]
    return [
        m for m in bot.slack.state.messages(f.CHANNEL) if m.thread_ts == card.ts and m.ts != card.ts
    ]


def test_timers_are_set_when_a_lead_is_routed(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    with unit_of_work(bot.runtime.engine) as session:
        timers = session.exec(select(Timer).where(Timer.handoff_id == handoff.id)).all()
    due = {t.kind: (t.due_at - clock()).total_seconds() / 3600 for t in timers}
    assert due == {"remind": 4, "escalate": 8, "reassign": 24}
    assert (handoff.due_at - clock()).total_seconds() == 4 * 3600


def test_nudge_then_escalation_then_reassignment(bot, clock):
    body = route(bot)
    [first] = handoffs(bot, body["id"])
    assert first.owner_id == f.ANA
    clock.advance(hours=3, minutes=59)
    bot.tick()
    assert dms_of(bot, f.ANA, first.id) == []

    clock.advance(minutes=1)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, first.id)
    assert "Jordan Lee" in rendered(nudge)
    assert button_texts(nudge) == ["Accept", "Reject", "Hand back", "Snooze 1h"]
    bot.tick()
    assert len(dms_of(bot, f.ANA, first.id)) == 1  # never twice
    assert len(thread_replies(bot, first)) == 1

    clock.advance(hours=4)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, first.id)
    assert "Ana Alvarez" in rendered(escalation) and "8h" in rendered(escalation)
    assert {"Nudge again", "Reassign"} <= set(button_texts(escalation))

    clock.advance(hours=16)
    bot.tick()
    old, new = handoffs(bot, body["id"])
    assert old.status == "reassigned" and new.status == "pending"
    assert new.owner_id == f.BEN and new.previous_id == old.id
    assert "24h without a decision" in old.reassign_reason
    old_card = cards_for(bot.slack, bot.slack.state.dm_channel_id(f.ANA), old.id)[0]
    assert "Reassigned" in rendered(old_card) and button_texts(old_card) == []
    new_card = cards_for(bot.slack, bot.slack.state.dm_channel_id(f.BEN), new.id)[0]
    assert "Reassigned from Ana Alvarez" in rendered(new_card)
    assert button_texts(new_card) == ["Accept", "Reject", "Hand back"]
    assert len(thread_replies(bot, old)) == 3  # nudge, escalation, reassignment
    assert kinds(bot, body["id"]).count("reassigned") == 1


def test_reassignment_never_ping_pongs_and_ends_with_the_manager(bot, clock):
    body = route(bot)
    for _ in range(3):
        clock.advance(hours=24)
        bot.tick()
    owners = [h.owner_id for h in handoffs(bot, body["id"])]
    assert owners == [f.ANA, f.BEN, f.CARA, f.MAYA]
    told = dms_of(bot, f.MAYA, handoffs(bot, body["id"])[-1].id)
    assert any("yours now" in rendered(m) for m in told)
    clock.advance(days=5)
    bot.tick()
    assert len(handoffs(bot, body["id"])) == 4  # the manager keeps it: no loop


def test_away_reps_are_skipped_by_reassignment(bot, clock):
    body = route(bot)
    bot.peer.command(f.BEN, "away until 2026-12-31")
    wait_for(lambda: ephemeral_texts(bot.slack, f.BEN))
    clock.advance(hours=24)
    bot.tick()
    assert handoffs(bot, body["id"])[-1].owner_id == f.CARA


def test_a_decision_stops_the_clock_and_accept_starts_follow_up(bot, clock):
    _body, handoff, card = accepted_by_ana(bot)
    bot.deliver()
    accepted = cards_for(bot.slack, card.channel, handoff.id)[0]
    assert button_texts(accepted) == ["Contacted", "Meeting booked", "Disqualified after contact"]
    assert button_texts(cards_for(bot.slack, f.CHANNEL, handoff.id)[0]) == []
    clock.advance(hours=30)
    bot.tick()
    assert dms_of(bot, f.ANA, handoff.id) == [] and dms_of(bot, f.MAYA, handoff.id) == []

    clock.advance(hours=18)  # 2d after the acceptance: no first touch yet
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    assert "Contacted" in button_texts(nudge)
    clock.advance(days=2)
    bot.tick()
    assert len(dms_of(bot, f.MAYA, handoff.id)) == 1  # then the manager is told


def test_first_touch_stops_the_follow_up_clock(bot, clock):
    body, handoff, card = accepted_by_ana(bot)
    bot.deliver()
    click_card(bot, f.ANA, ids.TOUCH_MEETING, handoff, card)
    wait_for(lambda: handoffs(bot, body["id"])[0].first_touch == "meeting_booked")
    bot.deliver()
    updated = cards_for(bot.slack, card.channel, handoff.id)[0]
    assert button_texts(updated) == [] and "Meeting booked" in rendered(updated)
    clock.advance(days=10)
    bot.tick()
    assert dms_of(bot, f.ANA, handoff.id) == []
    assert "first_touch" in kinds(bot, body["id"])
    # A second touch is refused politely.
    click_card(bot, f.ANA, ids.TOUCH_CONTACTED, handoff, card)
    wait_for(lambda: len(ephemeral_texts(bot.slack, f.ANA)) >= 2)
    assert handoffs(bot, body["id"])[0].first_touch == "meeting_booked"


def test_disqualified_after_contact_needs_a_reason(bot, clock):
    body, handoff, card = accepted_by_ana(bot)
    click_card(bot, f.ANA, ids.TOUCH_DISQUALIFIED, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.ANA))[-1]
    assert modal.payload["callback_id"] == ids.TOUCH_MODAL
    empty = bot.peer.submit_view(f.ANA, modal.id, {})
    assert empty.json()["response_action"] == "errors"
    answer = bot.peer.submit_view(
        f.ANA,
        modal.id,
        {
            ids.TOUCH_REASON_BLOCK: {
                ids.TOUCH_REASON_INPUT: {
                    "type": "static_select",
                    "selected_option": {"value": "D-NOFIT"},
                }
            },
            ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"type": "plain_text_input", "value": "Only 5 staff"}},
        },
    )
    assert answer.status_code == 200 and not answer.content.strip()
    done = handoffs(bot, body["id"])[0]
    assert done.first_touch == "disqualified" and done.touch_reason_code == "D-NOFIT"
    bot.deliver()
    assert "Only 5 staff" in rendered(cards_for(bot.slack, f.CHANNEL, handoff.id)[0])


def test_snooze_pushes_back_only_the_owners_next_nudge(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=4)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    click_card(bot, f.ANA, ids.SNOOZE, handoff, nudge)
    said = wait_for(lambda: [t for t in ephemeral_texts(bot.slack, f.ANA) if "Snoozed" in t])
    assert "14:00 EST" in said[-1]  # 19:00 UTC, on Ana's own clock (New York)
    clock.advance(minutes=59)
    bot.tick()
    assert len(dms_of(bot, f.ANA, handoff.id)) == 1
    clock.advance(minutes=1)
    bot.tick()
    assert len(dms_of(bot, f.ANA, handoff.id)) == 2
    clock.advance(hours=3)  # the escalation keeps its own time: 8h after routing
    bot.tick()
    assert len(dms_of(bot, f.MAYA, handoff.id)) == 1


def test_manager_nudges_again_and_reassigns_from_the_escalation(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=8)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    click_card(bot, f.EVE, ids.REASSIGN_NOW, handoff, escalation)  # not her team: refused
    wait_for(lambda: ephemeral_texts(bot.slack, f.EVE))
    click_card(bot, f.MAYA, ids.NUDGE_AGAIN, handoff, escalation)
    wait_for(lambda: kinds(bot, body["id"]).count("nudged") == 2)
    bot.deliver()
    assert len(dms_of(bot, f.ANA, handoff.id)) == 2
    reassign_with_picker(bot, f.MAYA, handoff, escalation)
    wait_for(lambda: len(handoffs(bot, body["id"])) == 2)
    old, new = handoffs(bot, body["id"])
    assert old.reassign_reason == "reassigned by Maya Moreau" and new.owner_id == f.BEN


def test_the_manager_may_decide_from_the_escalation(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=8)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    click_card(bot, f.MAYA, ids.ACCEPT, handoff, escalation)
    wait_for(lambda: handoffs(bot, body["id"])[0].status == "accepted")
    clock.advance(hours=16)
    bot.tick()
    assert len(handoffs(bot, body["id"])) == 1  # no reassignment after a decision


def test_first_touch_and_reassignment_reach_the_export(bot, clock):
    from bot.export import export_rows

    body = route(bot)
    clock.advance(hours=24)
    bot.tick()
    _old, new = handoffs(bot, body["id"])
    from bot.services import decisions, sla_actions

    decisions.decide(
        new.id,
        new.owner_id,
        decisions.ACCEPT,
        runtime=bot.runtime,
        now=clock(),
    )
    clock.advance(minutes=90)
    sla_actions.record_touch(
        new.id,
        new.owner_id,
        "contacted",
        runtime=bot.runtime,
        now=clock(),
    )
    rows = {r["handoff_id"]: r for r in export_rows(f.START, engine=bot.runtime.engine)}
    assert rows[_old.id]["status"] == "reassigned"
    assert rows[_old.id]["reassign_reason"] == "24h without a decision"
    assert rows[new.id]["first_touch"] == "contacted"
    assert rows[new.id]["minutes_to_first_touch"] == 90.0
