"""The whole loop through real HTTP: intake → cards → decision → cards updated."""

from __future__ import annotations

import pytest

from bot import ids
from bot.config.reasons import DEFAULT_REJECT_REASONS as DEFAULT_REJECT
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.leads import get_lead
from tests import factories as f
from tests.helpers import (
    button_texts,
    cards_for,
    click_card,
    dm_messages,
    ephemeral_texts,
    reason_values,
    rendered,
    wait_for,
)


@pytest.fixture
def bot(either_bot):
    """Each test twice: a one-click button's work done in the web process, and queued for
    the delivery process (handlers/later.py)."""
    return either_bot


def route_one(bot, **overrides):
    routed = f.routed_handoff(bot, **overrides)
    return routed.answer, routed.handoff


def test_routed_lead_posts_one_card_to_owner_and_one_to_channel(bot):
    body, handoff = route_one(bot)
    owner_cards = cards_for(bot.slack, bot.slack.state.dm_channel_id(body["owner"]), handoff.id)
    channel_cards = cards_for(bot.slack, f.CHANNEL, handoff.id)
    assert len(owner_cards) == 1 and len(channel_cards) == 1
    assert button_texts(owner_cards[0]) == ["Accept", "Reject", "Hand back"]
    assert button_texts(channel_cards[0]) == []
    card = rendered(owner_cards[0])
    for shown in (
        "Jordan Lee",
        "VP Operations",
        "Acme Corp",
        "hubspot",
        "Q4 webinar",
        "75",
        "Visited pricing",
        "15+ minutes on site",
        "Asked about SSO",
        "2026-11",
    ):
        assert shown in card
    # The first card went out as a DM addressed by user ID, as DESIGN §4 says.
    posts = bot.slack.state.calls("chat.postMessage")
    assert any(c.params.get("channel") == body["owner"] for c in posts)


def test_accept_updates_both_cards_in_place(bot):
    body, handoff = route_one(bot)
    owner = body["owner"]
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(owner), handoff.id)[0]
    response = click_card(bot, owner, ids.ACCEPT, handoff, card)
    assert response.status_code == 200
    wait_for(lambda: _status(bot, body["id"]) == "accepted")
    bot.deliver()
    owner_card = cards_for(bot.slack, card.channel, handoff.id)
    channel_card = cards_for(bot.slack, f.CHANNEL, handoff.id)
    assert len(owner_card) == 1 and len(channel_card) == 1  # updated, not re-posted
    for message in (owner_card[0], channel_card[0]):
        assert "Accept" not in button_texts(message)
        assert "Accepted" in rendered(message)
        assert message.edited is not None
    kinds = _event_kinds(bot, body["id"])
    assert kinds[:2] == ["received", "routed"]
    assert "accepted" in kinds and kinds.count("delivered") == 2


@pytest.mark.parametrize(
    ("action", "reason", "status", "lead_status"),
    [
        (ids.REJECT, "R-DATA", "rejected", "rejected"),
        (ids.HAND_BACK, "N-TIMING", "handed_back", "handed_back"),
    ],
)
def test_reject_and_hand_back_go_through_a_reason_modal(bot, action, reason, status, lead_status):
    body, handoff = route_one(bot)
    owner = body["owner"]
    card = dm_messages(bot.slack, owner)[0]
    click_card(bot, owner, action, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    assert modal.payload["callback_id"] == ids.REASON_MODAL
    # Submitting without a reason is refused by the bot with a field error.
    empty = bot.peer.submit_view(owner, modal.id, {})
    assert empty.json()["response_action"] == "errors"
    assert ids.REASON_BLOCK in empty.json()["errors"]
    answer = bot.peer.submit_view(owner, modal.id, reason_values(reason, note="Spoke to them"))
    assert answer.status_code == 200 and not answer.content.strip()
    assert _status(bot, body["id"]) == status
    bot.deliver()
    owner_card = cards_for(bot.slack, card.channel, handoff.id)[0]
    channel_card = cards_for(bot.slack, f.CHANNEL, handoff.id)[0]
    assert button_texts(owner_card) == []
    assert button_texts(channel_card) == ["Dispute"]  # marketing may dispute it (issue 14 §1)
    for message in (owner_card, channel_card):
        assert "Spoke to them" in rendered(message)
    with unit_of_work(bot.runtime.engine) as session:
        decided = handoffs_for_lead(body["id"], session=session)[-1]
    assert decided.reason_code == reason and decided.decided_by == owner
    with unit_of_work(bot.runtime.engine) as session:
        assert get_lead(body["id"], session=session).status == lead_status
    assert status in _event_kinds(bot, body["id"])


def test_someone_else_clicking_gets_an_ephemeral_refusal_and_nothing_changes(bot):
    body, handoff = route_one(bot)
    card = dm_messages(bot.slack, body["owner"])[0]
    outsider = f.EVE  # an AE of another team
    click_card(bot, outsider, ids.ACCEPT, handoff, card)
    texts = wait_for(lambda: ephemeral_texts(bot.slack, outsider))
    assert "Only" in texts[0]
    assert _status(bot, body["id"]) == "pending"
    assert "click_refused" in _event_kinds(bot, body["id"])
    # Reject opens no modal for them either.
    click_card(bot, outsider, ids.REJECT, handoff, card)
    wait_for(lambda: len(ephemeral_texts(bot.slack, outsider)) == 2)
    assert bot.slack.state.open_modals(outsider) == []


def test_manager_and_admin_may_decide(bot):
    body, handoff = route_one(bot)
    card = dm_messages(bot.slack, body["owner"])[0]
    click_card(bot, f.MAYA, ids.ACCEPT, handoff, card)
    wait_for(lambda: _status(bot, body["id"]) == "accepted")
    with unit_of_work(bot.runtime.engine) as session:
        assert handoffs_for_lead(body["id"], session=session)[-1].decided_by == f.MAYA


def test_wrong_owner_reject_reroutes_to_someone_new(bot):
    body, handoff = route_one(bot)
    first_owner = body["owner"]
    card = dm_messages(bot.slack, first_owner)[0]
    click_card(bot, first_owner, ids.REJECT, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(first_owner))[-1]
    wrong_owner = next(r for r in DEFAULT_REJECT if r.reroute)
    bot.peer.submit_view(
        first_owner,
        modal.id,
        reason_values(wrong_owner.code),
    )
    bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        hs = handoffs_for_lead(body["id"], session=session)
    assert [h.status for h in hs] == ["rejected", "pending"]
    assert hs[0].routing_error is True
    assert hs[1].owner_id != first_owner and hs[1].previous_id == hs[0].id
    new_cards = cards_for(bot.slack, bot.slack.state.dm_channel_id(hs[1].owner_id), hs[1].id)
    assert len(new_cards) == 1 and button_texts(new_cards[0]) == ["Accept", "Reject", "Hand back"]


def _status(bot, lead_id: int) -> str:
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)[-1].status


def _event_kinds(bot, lead_id: int) -> list[str]:
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in events_for_lead(lead_id, session=session)]


def test_deadline_is_shown_in_the_owners_slack_time_zone(bot):
    body, _handoff = route_one(bot)  # Ana, whose Slack profile says America/New_York
    assert body["owner"] == f.ANA
    card = dm_messages(bot.slack, f.ANA)[0]
    assert "Mon 23 Nov 2026, 13:00 EST" in rendered(card)  # 14:00 UTC + 4h, in New York
    assert bot.slack.state.calls("users.info")
