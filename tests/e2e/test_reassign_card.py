"""Every reassignment (the SLA's, a manager's Reassign now, the re-route after a
wrong-owner reject) redraws the ORIGINAL channel card and adds a thread note under it;
no second channel card is posted, and the new hand-off's later changes land on that card."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.config import HandshakeConfig, parse_config
from bot.config.reasons import DEFAULT_REJECT_REASONS as DEFAULT_REJECT
from bot.scheduler import run_tick
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from tests import factories as f
from tests.helpers import (
    button_texts,
    click_card,
    dm_messages,
    reason_values,
    reassign_with_picker,
    rendered,
    wait_for,
)


@pytest.fixture
def config() -> HandshakeConfig:
    """The shipped default: compact channel cards."""
    data = f.config_data()
    del data["channel"]
    return parse_config(data)


def handoffs(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)


def channel_cards(bot):
    """The channel's top-level messages that are lead cards."""
    return [
        m
        for m in bot.slack.state.messages(f.CHANNEL)
        if m.thread_ts in (None, m.ts)
        and (m.metadata or {}).get("event_type") == ids.CARD_METADATA_EVENT
    ]


def replies(bot, card):
    return [
        m.text
        for m in bot.slack.state.messages(f.CHANNEL)
        if m.thread_ts == card.ts and m.ts != card.ts
    ]


def test_sla_reassignment_redraws_the_original_card_and_notes_it(bot, clock):
    body = f.routed_handoff(bot).answer
    [card] = channel_cards(bot)
    assert "Ana Alvarez" in rendered(card)
    clock.advance(hours=24)
    bot.tick()
    bot.deliver()
    old, new = handoffs(bot, body["id"])
    assert old.status == "reassigned" and new.owner_id == f.BEN
    [same] = channel_cards(bot)  # no second card
    assert same.ts == card.ts
    assert (new.channel_id, new.channel_ts) == (card.channel, card.ts)
    assert "Ben" in rendered(same) and "Pending" in rendered(same)
    notes = [n for n in replies(bot, card) if "Reassigned from" in n]
    assert notes == ["🔁 Reassigned from Ana Alvarez to Ben Brooks — 24h without a decision"]
    # The new owner's DM card is posted, once.
    assert len(dm_messages(bot.slack, f.BEN)) == 1
    # Ben accepts on his DM card: the one channel card shows it.
    click_card(bot, f.BEN, ids.ACCEPT, new, dm_messages(bot.slack, f.BEN)[0])
    wait_for(lambda: handoffs(bot, body["id"])[-1].status == "accepted")
    bot.deliver()
    [after] = channel_cards(bot)
    assert after.ts == card.ts and "Accepted" in rendered(after) and "Ben" in rendered(after)
    f.routed_handoff(bot)  # another lead: a card of its own
    assert len(channel_cards(bot)) == 2


def test_reassign_now_by_the_manager_updates_the_one_card(bot, clock):
    body = f.routed_handoff(bot).answer
    [card] = channel_cards(bot)
    [first] = handoffs(bot, body["id"])
    clock.advance(hours=8)  # the escalation to Maya, with Reassign
    bot.tick()
    bot.deliver()
    escalation = next(m for m in dm_messages(bot.slack, f.MAYA) if "Reassign" in button_texts(m))
    reassign_with_picker(bot, f.MAYA, first, escalation)
    wait_for(lambda: len(handoffs(bot, body["id"])) == 2)
    bot.deliver()
    assert handoffs(bot, body["id"])[-1].owner_id == f.BEN
    [same] = channel_cards(bot)
    assert same.ts == card.ts and "Ben Brooks" in rendered(same)
    moved = "🔁 Reassigned from Ana Alvarez to Ben Brooks"
    assert any(n.startswith(moved) for n in replies(bot, card))
    # The new hand-off's nudge goes under the same card.
    clock.advance(hours=4)
    bot.tick()
    bot.deliver()
    assert any("Nudged Ben Brooks" in n for n in replies(bot, card))
    assert len(channel_cards(bot)) == 1


def test_wrong_owner_reroute_updates_the_original_card(bot):
    body = f.routed_handoff(bot).answer
    [card] = channel_cards(bot)
    [first] = handoffs(bot, body["id"])
    click_card(bot, first.owner_id, ids.REJECT, first, dm_messages(bot.slack, first.owner_id)[0])
    modal = wait_for(lambda: bot.slack.state.open_modals(first.owner_id))[-1]
    wrong_owner = next(r for r in DEFAULT_REJECT if r.reroute)
    bot.peer.submit_view(first.owner_id, modal.id, reason_values(wrong_owner.code))
    wait_for(lambda: len(handoffs(bot, body["id"])) == 2)
    bot.deliver()
    _old, new = handoffs(bot, body["id"])
    [same] = channel_cards(bot)
    assert same.ts == card.ts and (new.channel_id, new.channel_ts) == (card.channel, card.ts)
    assert "Pending" in rendered(same)
    assert [n for n in replies(bot, card) if n.startswith("🔁")] == [
        f"🔁 Reassigned from Ana Alvarez to Ben Brooks — rejected: {wrong_owner.label}"
    ]


def test_details_on_the_compact_card_opens_the_full_card_for_anyone(bot):
    body = f.routed_handoff(bot).answer
    [card] = channel_cards(bot)
    assert button_texts(card) == ["Details"] and len(card.blocks) == 2
    assert "Owner: Ana Alvarez" in rendered(card) and "Q4 webinar" in rendered(card)
    assert "Visited pricing" not in rendered(card)  # the signals are one click away
    [handoff] = handoffs(bot, body["id"])
    for viewer in (f.MIA, f.CARA):  # a marketer, a rep who does not own it
        answer = bot.peer.click(
            viewer, ids.CARD_DETAILS, str(handoff.id), message_channel=f.CHANNEL, message_ts=card.ts
        )
        assert answer.status_code == 200
        modal = wait_for(lambda v=viewer: bot.slack.state.open_modals(v))[-1]
        shown = json.dumps(modal.payload["blocks"], ensure_ascii=False)
        assert "Visited pricing" in shown and "Owner:" in shown
        assert "submit" not in modal.payload
        assert ids.ACCEPT not in shown  # view-only: no decision buttons
    assert handoffs(bot, body["id"])[0].status == "pending"


def test_a_reassignment_before_the_card_is_posted_still_makes_one_card(bot, clock):
    body = f.routed_handoff(bot, deliver=False).answer
    clock.advance(hours=24)
    run_tick(bot.runtime)  # the SLA reassigns while the first channel card is still queued
    old, new = handoffs(bot, body["id"])
    assert old.status == "reassigned" and new.channel_ts is None
    bot.deliver()
    [card] = channel_cards(bot)
    assert "Owner: Ben Brooks" in rendered(card)  # the newest hand-off, drawn on the one card
    old, new = handoffs(bot, body["id"])
    assert (old.channel_ts, new.channel_ts) == (card.ts, card.ts)  # the chain was told
    assert any(n.startswith("🔁 Reassigned from Ana Alvarez") for n in replies(bot, card))
