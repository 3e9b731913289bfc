"""The manager's Reassign picker (issue 15 §7), through real signed requests: who is
offered (the suggested one first and pre-selected), who may pick, a pick of someone else,
and a hand-off that moved on while the picker was open."""

from __future__ import annotations

from datetime import date

from bot import ids
from sandbox import payloads
from storage.db import unit_of_work
from storage.people import set_away
from tests import factories as f
from tests.e2e.test_sla_flow import dms_of, handoffs, kinds, route
from tests.helpers import (
    click_card,
    dm_messages,
    ephemeral_texts,
    open_picker,
    picker_choice,
    reassign_values,
    rendered,
    wait_for,
)

FAR = date(2099, 1, 1)


def escalated(bot, clock):
    """A lead of Ana's (team enterprise), escalated to Maya, her manager."""
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=8)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    return body, handoff, escalation


def away(bot, *people):
    with unit_of_work(bot.runtime.engine) as session:
        for slack_id in people:
            set_away(slack_id, FAR, session=session)


def offered(modal) -> list[str]:
    block = next(b for b in modal.payload["blocks"] if b.get("block_id") == ids.REASSIGN_BLOCK)
    return [o["value"] for o in block["element"]["options"]]


def shown(modal) -> str:
    return str(modal.payload["blocks"])


def test_the_picker_offers_the_team_with_the_suggested_one_first(bot, clock):
    _body, handoff, escalation = escalated(bot, clock)
    modal = open_picker(bot, f.MAYA, handoff, escalation)
    # Ben is next in line (what the SLA's reassignment picks); never Ana, the owner, nor
    # Sam (an SDR), Eve (another team) or Maya (the manager, only a fallback).
    assert offered(modal) == [f.BEN, f.CARA]
    assert picker_choice(modal) == f.BEN
    assert "Ben Brooks (suggested)" in shown(modal)
    assert "Not offered" not in shown(modal)
    away(bot, f.BEN)
    again = open_picker(bot, f.MAYA, handoff, escalation)
    assert offered(again) == [f.CARA] and picker_choice(again) == f.CARA
    assert "Not offered: Ben Brooks: away until 2099-01-01" in shown(again)


def test_the_manager_picks_someone_else_than_the_suggested_one(bot, clock):
    body, handoff, escalation = escalated(bot, clock)
    modal = open_picker(bot, f.MAYA, handoff, escalation)
    answer = bot.peer.submit_view(f.MAYA, modal.id, reassign_values(f.CARA))
    assert answer.json()["response_action"] == "update"
    assert "now goes to Cara Chen" in str(answer.json()["view"])
    old, new = handoffs(bot, body["id"])
    assert (old.status, old.reassign_reason) == ("reassigned", "reassigned by Maya Moreau")
    assert (new.owner_id, new.rule, new.status) == (f.CARA, "picked", "pending")
    bot.deliver()
    [card] = [m for m in dm_messages(bot.slack, f.CARA) if str(new.id) in str(m.blocks)]
    assert "reassigned by the manager's pick" in rendered(card)


def test_with_everyone_away_the_manager_is_suggested_then_nobody_is_left(bot, clock):
    body, handoff, escalation = escalated(bot, clock)
    away(bot, f.BEN, f.CARA)
    modal = open_picker(bot, f.MAYA, handoff, escalation)
    assert offered(modal) == [f.MAYA] and picker_choice(modal) == f.MAYA
    bot.peer.submit_view(f.MAYA, modal.id, reassign_values(f.MAYA))
    _old, new = handoffs(bot, body["id"])
    assert (new.owner_id, new.rule) == (f.MAYA, "manager_fallback")
    # Maya holds it now; Ana (who held it before) is away too: no one else can take it.
    away(bot, f.ANA)
    click_card(bot, f.ADA, ids.REASSIGN_NOW, new, escalation)
    texts = wait_for(lambda: ephemeral_texts(bot.slack, f.ADA))
    assert "No one else on the team can take" in texts[-1]
    assert len(handoffs(bot, body["id"])) == 2


def test_only_the_owners_manager_or_an_admin_may_pick(bot, clock):
    body, handoff, escalation = escalated(bot, clock)
    for who in (f.ANA, f.EVE, f.MAX):  # the owner, a rep and a manager of another team
        click_card(bot, who, ids.REASSIGN_NOW, handoff, escalation)
        texts = wait_for(lambda who=who: ephemeral_texts(bot.slack, who))
        assert texts[-1].startswith("Only Ana Alvarez's manager or an admin can reassign")
        assert bot.slack.state.open_modals(who) == []
    modal = open_picker(bot, f.MAYA, handoff, escalation)
    # A submission of Maya's form by someone else (a forged or shared view) is refused too.
    forged = bot.peer.post(
        *payloads.view_submission(
            f.ANA, modal.to_slack(), reassign_values(f.CARA), trigger_id="t-forged"
        )
    )
    assert "Only Ana Alvarez's manager" in forged.json()["errors"][ids.REASSIGN_BLOCK]
    assert len(handoffs(bot, body["id"])) == 1
    assert kinds(bot, body["id"]).count("click_refused") == 4
    admin = open_picker(bot, f.ADA, handoff, escalation)
    assert picker_choice(admin) == f.BEN


def test_someone_outside_the_offer_is_refused_next_to_the_menu(bot, clock):
    body, handoff, escalation = escalated(bot, clock)
    modal = open_picker(bot, f.MAYA, handoff, escalation)
    for chosen in (f.EVE, f.SAM, f.ANA, "U0NOBODY1"):  # other team, an SDR, the owner, nobody
        answer = bot.peer.submit_view(f.MAYA, modal.id, reassign_values(chosen))
        assert "can no longer take this lead" in answer.json()["errors"][ids.REASSIGN_BLOCK]
    away(bot, f.CARA)  # offered when the picker opened, away by the time it is sent
    answer = bot.peer.submit_view(f.MAYA, modal.id, reassign_values(f.CARA))
    assert "can no longer take this lead" in answer.json()["errors"][ids.REASSIGN_BLOCK]
    empty = bot.peer.submit_view(f.MAYA, modal.id, {})
    assert ids.REASSIGN_BLOCK in empty.json()["errors"]
    assert len(handoffs(bot, body["id"])) == 1


def test_a_hand_off_that_moved_on_is_left_alone_with_a_clear_answer(bot, clock):
    body, handoff, escalation = escalated(bot, clock)
    first = open_picker(bot, f.MAYA, handoff, escalation)
    second = open_picker(bot, f.MAYA, handoff, escalation)  # a double click: two pickers
    done = bot.peer.submit_view(f.MAYA, first.id, reassign_values(f.BEN))
    assert done.json()["response_action"] == "update"
    late = bot.peer.submit_view(f.MAYA, second.id, reassign_values(f.CARA))
    error = late.json()["errors"][ids.REASSIGN_BLOCK]
    assert "Ben Brooks" in error and "reassigned" in error.lower()
    assert [h.owner_id for h in handoffs(bot, body["id"])] == [f.ANA, f.BEN]
    assert kinds(bot, body["id"]).count("reassigned") == 1
    # The owner decides while the picker is open: nothing is reassigned.
    _old, new = handoffs(bot, body["id"])
    picker = open_picker(bot, f.MAYA, new, escalation)
    bot.deliver()
    [card] = [m for m in dm_messages(bot.slack, f.BEN) if str(new.id) in str(m.blocks)][:1]
    click_card(bot, f.BEN, ids.ACCEPT, new, card)
    wait_for(lambda: handoffs(bot, body["id"])[-1].status == "accepted")
    late = bot.peer.submit_view(f.MAYA, picker.id, reassign_values(f.CARA))
    assert "accepted" in late.json()["errors"][ids.REASSIGN_BLOCK].lower()
    assert len(handoffs(bot, body["id"])) == 2
