"""Disputes end to end through signed requests (issue 14 §1): who may click Dispute, the
form, the manager's DM, Uphold and Overturn (re-routed to someone who has not held the
lead), one dispute per decision, and the reject figures leaving an overturned one out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import ids
from storage.db import unit_of_work
from storage.disputes import dispute_for_handoff
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.leads import get_lead
from storage.reports.tallies import reasons
from storage.reports.window import Window
from tests import factories as f
from tests.helpers import (
    button_texts,
    buttons,
    cards_for,
    click_card,
    dm_messages,
    ephemeral_texts,
    reason_values,
    rendered,
    wait_for,
)


def why_values(text: str) -> dict:
    return {
        ids.DISPUTE_WHY_BLOCK: {ids.DISPUTE_WHY_INPUT: {"type": "plain_text_input", "value": text}}
    }


def note_values(text: str) -> dict:
    return {ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"type": "plain_text_input", "value": text}}}


def rejected_lead(bot, action=ids.REJECT, reason="R-DATA"):
    routed = f.routed_handoff(bot)
    owner = routed.answer["owner"]
    card = dm_messages(bot.slack, owner)[0]
    click_card(bot, owner, action, routed.handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    bot.peer.submit_view(owner, modal.id, reason_values(reason, note="Not a buyer"))
    bot.deliver()
    channel_card = cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0]
    return routed, owner, channel_card


def dispute(bot, user, routed, card, why="They asked for a demo twice"):
    click_card(bot, user, ids.DISPUTE, routed.handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(user))[-1]
    assert modal.payload["callback_id"] == ids.DISPUTE_MODAL
    return bot.peer.submit_view(user, modal.id, why_values(why))


def ruling_dm(bot, manager):
    return next(m for m in dm_messages(bot.slack, manager) if "Overturn" in button_texts(m))


def click_dm(bot, user, action, dispute_id, dm):
    return bot.peer.click(
        user, action, str(dispute_id), message_channel=dm.channel, message_ts=dm.ts
    )


def rule(bot, user, action, dispute_id, dm, note=None):
    click_dm(bot, user, action, dispute_id, dm)
    modal = wait_for(lambda: bot.slack.state.open_modals(user))[-1]
    assert modal.payload["callback_id"] == ids.DISPUTE_RULING_MODAL
    return bot.peer.submit_view(user, modal.id, note_values(note) if note else {})


def thread_replies(bot, card):
    return [
        m for m in bot.slack.state.messages(f.CHANNEL) if m.thread_ts == card.ts and m.ts != card.ts
    ]


def _dispute(bot, handoff_id):
    with unit_of_work(bot.runtime.engine) as session:
        d = dispute_for_handoff(handoff_id, session=session)
        session.expunge_all()
        return d


@pytest.mark.parametrize("action", [ids.REJECT, ids.HAND_BACK])
def test_only_marketers_and_admins_may_dispute_and_only_once(bot, action):
    reason = "R-DATA" if action == ids.REJECT else "N-TIMING"
    routed, owner, card = rejected_lead(bot, action, reason)
    assert "Dispute" in button_texts(card)
    for outsider in (owner, f.MAYA, f.BEN):  # the rep, a manager, another rep
        click_card(bot, outsider, ids.DISPUTE, routed.handoff, card)
        texts = wait_for(lambda u=outsider: ephemeral_texts(bot.slack, u))
        assert "Only marketers and admins" in texts[-1]
        assert bot.slack.state.open_modals(outsider) == []
    assert _dispute(bot, routed.handoff.id) is None
    # A marketer's empty form is refused next to its field.
    click_card(bot, f.MIA, ids.DISPUTE, routed.handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.MIA))[-1]
    empty = bot.peer.submit_view(f.MIA, modal.id, {})
    assert empty.json()["response_action"] == "errors"
    assert ids.DISPUTE_WHY_BLOCK in empty.json()["errors"]
    answer = bot.peer.submit_view(f.MIA, modal.id, why_values("They asked for a <demo> twice"))
    assert answer.status_code == 200 and not answer.content.strip()
    bot.deliver()
    replies = thread_replies(bot, card)
    assert len(replies) == 1 and "They asked for a &lt;demo&gt; twice" in rendered(replies[0])
    manager_dm = ruling_dm(bot, f.MAYA)
    shown = rendered(manager_dm)
    for fact in ("Jordan Lee", "Ana Alvarez", "Mia Marketer", "Not a buyer"):
        assert fact in shown
    assert button_texts(manager_dm) == ["Uphold", "Overturn"]
    card = cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0]
    assert "Disputed" in rendered(card) and "Dispute" not in button_texts(card)
    # A second dispute of the same decision (an admin, on the old card) is refused.
    click_card(bot, f.ADA, ids.DISPUTE, routed.handoff, card)
    texts = wait_for(lambda: ephemeral_texts(bot.slack, f.ADA))
    assert "disputed already" in texts[-1]
    assert bot.slack.state.open_modals(f.ADA) == []
    with unit_of_work(bot.runtime.engine) as session:
        kinds = [e.kind for e in events_for_lead(routed.lead_id, session=session)]
    assert kinds.count("disputed") == 1 and kinds.count("click_refused") == 3


def test_overturn_reroutes_to_someone_who_has_not_held_it(bot):
    routed, owner, card = rejected_lead(bot)
    dispute(bot, f.MIA, routed, card)
    bot.deliver()
    dm = ruling_dm(bot, f.MAYA)
    d = _dispute(bot, routed.handoff.id)
    # Only the owner's manager or an admin may rule: the rep and the marketer are refused.
    for outsider in (owner, f.MIA, f.MAX):
        bot.peer.click(
            outsider, ids.DISPUTE_OVERTURN, str(d.id), message_channel=dm.channel, message_ts=dm.ts
        )
        texts = wait_for(lambda u=outsider: ephemeral_texts(bot.slack, u))
        assert "Only the owner's manager or an admin" in texts[-1]
    answer = rule(bot, f.MAYA, ids.DISPUTE_OVERTURN, d.id, dm, note="Demo requests count")
    assert answer.status_code == 200 and not answer.content.strip()
    bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        hs = handoffs_for_lead(routed.lead_id, session=session)
        lead_status = get_lead(routed.lead_id, session=session).status
        session.expunge_all()
    assert [h.status for h in hs] == ["rejected", "pending"]
    assert hs[1].owner_id not in (owner,) and hs[1].previous_id == hs[0].id
    assert lead_status == "routed"
    d = _dispute(bot, routed.handoff.id)
    assert d.status == "overturned" and d.new_handoff_id == hs[1].id and d.settled_by == f.MAYA
    new_cards = cards_for(bot.slack, bot.slack.state.dm_channel_id(hs[1].owner_id), hs[1].id)
    assert len(new_cards) == 1 and button_texts(new_cards[0]) == ["Accept", "Reject", "Hand back"]
    # The outcome: in the thread, on the card, in each side's DM; the manager's DM settled.
    replies = thread_replies(bot, card)
    assert len(replies) == 2 and "Overturned" in rendered(replies[1])
    assert "Demo requests count" in rendered(replies[1])
    card = cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0]
    assert "Overturned" in rendered(card) and "Dispute" not in button_texts(card)
    for side in (f.MIA, owner):
        told = [m for m in dm_messages(bot.slack, side) if "dispute" in m.text.lower()]
        assert len(told) == 1 and "overturned" in rendered(told[0])
    dm = next(m for m in dm_messages(bot.slack, f.MAYA) if m.ts == dm.ts)
    assert buttons(dm) == [] and "Overturned" in rendered(dm)
    # A second ruling is refused.
    bot.peer.click(
        f.ADA, ids.DISPUTE_UPHOLD, str(d.id), message_channel=dm.channel, message_ts=dm.ts
    )
    assert "overturned already" in wait_for(lambda: ephemeral_texts(bot.slack, f.ADA))[-1]
    # The overturned reject no longer counts against marketing.
    with unit_of_work(bot.runtime.engine) as session:
        window = Window(f.START - timedelta(days=1), f.START + timedelta(days=1))
        assert [r for r in reasons(window, session=session) if r.status == "rejected"] == []


def test_uphold_keeps_the_decision_and_tells_both_sides(bot):
    routed, owner, card = rejected_lead(bot)
    dispute(bot, f.MIA, routed, card)
    bot.deliver()
    d = _dispute(bot, routed.handoff.id)
    rule(bot, f.ADA, ids.DISPUTE_UPHOLD, d.id, ruling_dm(bot, f.MAYA))  # an admin, no note
    bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        hs = handoffs_for_lead(routed.lead_id, session=session)
        assert [h.status for h in hs] == ["rejected"]
        window = Window(f.START - timedelta(days=1), f.START + timedelta(days=1))
        assert [r.code for r in reasons(window, session=session)] == ["R-DATA"]
    assert _dispute(bot, routed.handoff.id).status == "upheld"
    assert "Upheld" in rendered(cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0])
    for side in (f.MIA, owner):
        told = [m for m in dm_messages(bot.slack, side) if "dispute" in m.text.lower()]
        assert len(told) == 1 and "upheld" in rendered(told[0])


def ruling_dms_of(bot, user):
    return [m for m in dm_messages(bot.slack, user) if "dispute #" in rendered(m)]


def test_an_open_dispute_reminds_the_manager_then_the_admins_once_each(bot, clock):
    routed, _owner, card = rejected_lead(bot)
    dispute(bot, f.MIA, routed, card)
    bot.deliver()
    assert len(ruling_dms_of(bot, f.MAYA)) == 1
    clock.advance(hours=23, minutes=59)
    bot.tick()
    assert len(ruling_dms_of(bot, f.MAYA)) == 1 and ruling_dms_of(bot, f.ADA) == []
    clock.advance(minutes=1)  # sla.dispute_within (default 1d) after the dispute
    bot.tick()
    bot.tick()  # a second tick sends nothing again
    reminders = ruling_dms_of(bot, f.MAYA)
    assert len(reminders) == 2 and "Reminder" in rendered(reminders[-1])
    assert button_texts(reminders[-1]) == ["Uphold", "Overturn"]
    assert ruling_dms_of(bot, f.ADA) == []
    clock.advance(days=1)  # twice dispute_within: the admins are told
    bot.tick()
    bot.tick()
    escalations = ruling_dms_of(bot, f.ADA)
    assert len(escalations) == 1 and button_texts(escalations[0]) == ["Uphold", "Overturn"]
    assert len(ruling_dms_of(bot, f.MAYA)) == 2
    notes = [rendered(m) for m in thread_replies(bot, card)]
    assert len(notes) == 3 and "reminded the manager" in notes[1] and "admins" in notes[2]
    # The admin overturns from the escalation; every Uphold / Overturn DM is settled.
    d = _dispute(bot, routed.handoff.id)
    rule(bot, f.ADA, ids.DISPUTE_OVERTURN, d.id, escalations[0])
    bot.deliver()
    for dm in ruling_dms_of(bot, f.MAYA) + ruling_dms_of(bot, f.ADA):
        assert buttons(dm) == [] and "Overturned" in rendered(dm)
    with unit_of_work(bot.runtime.engine) as session:
        kinds = [e.kind for e in events_for_lead(routed.lead_id, session=session)]
    assert kinds.count("dispute_reminded") == 1 and kinds.count("dispute_escalated") == 1


def test_a_settled_dispute_nudges_nobody(bot, clock):
    routed, _owner, card = rejected_lead(bot)
    dispute(bot, f.MIA, routed, card)
    bot.deliver()
    d = _dispute(bot, routed.handoff.id)
    rule(bot, f.MAYA, ids.DISPUTE_UPHOLD, d.id, ruling_dm(bot, f.MAYA))
    bot.deliver()
    clock.advance(days=3)
    bot.tick()
    assert len(ruling_dms_of(bot, f.MAYA)) == 1 and ruling_dms_of(bot, f.ADA) == []
    assert len(thread_replies(bot, card)) == 2  # the dispute and its ruling only


def test_an_overturn_after_the_lead_came_back_to_sales_routes_it_nowhere_else(bot):
    """Handed back, then re-engaged (a new pending hand-off to Ana), then disputed and
    overturned: the ruling counts, and the lead stays with Ana: one pending hand-off."""
    from bot.services.recycle import re_engage

    routed, owner, card = rejected_lead(bot, ids.HAND_BACK, "N-TIMING")
    outcome = re_engage(routed.handoff.id, owner, runtime=bot.runtime)
    assert outcome.new_handoff is not None and outcome.new_handoff.owner_id == owner
    dispute(bot, f.MIA, routed, card)
    bot.deliver()
    d = _dispute(bot, routed.handoff.id)
    answer = rule(bot, f.MAYA, ids.DISPUTE_OVERTURN, d.id, ruling_dm(bot, f.MAYA))
    assert answer.status_code == 200
    bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        hs = handoffs_for_lead(routed.lead_id, session=session)
        session.expunge_all()
    assert [(h.status, h.owner_id) for h in hs] == [("handed_back", owner), ("pending", owner)]
    d = _dispute(bot, routed.handoff.id)
    assert d.status == "overturned" and d.new_handoff_id is None
    card = cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0]
    assert "Overturned" in rendered(card) and "already back with sales" in rendered(card)
    told = [m for m in dm_messages(bot.slack, f.MIA) if "dispute" in m.text.lower()]
    assert len(told) == 1 and "already back with sales" in rendered(told[0])
