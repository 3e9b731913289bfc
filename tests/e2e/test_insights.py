"""What sales learned about the buyer, through signed requests: the Reject, Hand back and
Disqualify forms offer persona, decision role and objection (optional), the choices are
stored on the hand-off and in the decision's event, and Disqualify has its own reasons."""

from __future__ import annotations

from typing import Any

import pytest

from bot import ids
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from tests import factories as f
from tests.helpers import click_card, dm_messages, reason_values, wait_for


def insight_values(**picked: str) -> dict[str, Any]:
    return {
        ids.INSIGHT_BLOCK + which: {
            ids.INSIGHT_INPUT: {"type": "static_select", "selected_option": {"value": code}}
        }
        for which, code in picked.items()
    }


def touch_values(code: str) -> dict[str, Any]:
    select = {"type": "static_select", "selected_option": {"value": code}}
    return {ids.TOUCH_REASON_BLOCK: {ids.TOUCH_REASON_INPUT: select}}


def latest(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)[-1]


def event_data(bot, lead_id, kind):
    with unit_of_work(bot.runtime.engine) as session:
        found = [e for e in events_for_lead(lead_id, session=session) if e.kind == kind]
    assert len(found) == 1
    return found[0].data


def options_of(modal, which):
    block = next(
        b for b in modal.payload["blocks"] if b.get("block_id") == ids.INSIGHT_BLOCK + which
    )
    assert block["optional"] is True
    return [o["value"] for o in block["element"]["options"]]


@pytest.mark.parametrize(
    ("action", "reason", "event"),
    [(ids.REJECT, "R-AUTHORITY", "rejected"), (ids.HAND_BACK, "N-TIMING", "handed_back")],
)
def test_reason_modal_offers_the_insights_and_stores_them(bot, action, reason, event):
    routed = f.routed_handoff(bot)
    owner, handoff = routed.handoff.owner_id, routed.handoff
    click_card(bot, owner, action, handoff, dm_messages(bot.slack, owner)[0])
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    assert options_of(modal, "decision_role") == [
        "decision-maker",
        "influencer",
        "user",
        "gatekeeper",
    ]
    assert "executive" in options_of(modal, "persona") and "price" in options_of(modal, "objection")
    values = {
        **reason_values(reason),
        **insight_values(persona="it", decision_role="influencer", objection="price"),
    }
    answer = bot.peer.submit_view(owner, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip()
    decided = latest(bot, handoff.lead_id)
    assert (decided.persona, decided.decision_role, decided.objection) == (
        "it",
        "influencer",
        "price",
    )
    data = event_data(bot, handoff.lead_id, event)
    assert data["persona"] == "it" and data["decision_role"] == "influencer"
    assert data["objection"] == "price"


def test_insights_are_optional_and_unknown_codes_are_dropped(bot):
    routed = f.routed_handoff(bot)
    owner, handoff = routed.handoff.owner_id, routed.handoff
    click_card(bot, owner, ids.REJECT, handoff, dm_messages(bot.slack, owner)[0])
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    values = {**reason_values("R-DATA"), **insight_values(decision_role="astronaut")}
    answer = bot.peer.submit_view(owner, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip()
    decided = latest(bot, handoff.lead_id)
    assert decided.status == "rejected"
    assert (decided.persona, decided.decision_role, decided.objection) == (None, None, None)


def test_disqualify_has_its_own_reasons_and_the_insights(bot):
    routed = f.routed_handoff(bot)
    owner, handoff = routed.handoff.owner_id, routed.handoff
    card = dm_messages(bot.slack, owner)[0]
    click_card(bot, owner, ids.ACCEPT, handoff, card)
    wait_for(lambda: latest(bot, handoff.lead_id).status == "accepted")
    bot.deliver()
    card = dm_messages(bot.slack, owner)[0]
    click_card(bot, owner, ids.TOUCH_DISQUALIFIED, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    assert modal.payload["callback_id"] == ids.TOUCH_MODAL
    reason_block = next(
        b for b in modal.payload["blocks"] if b.get("block_id") == ids.TOUCH_REASON_BLOCK
    )
    offered = [o["value"] for o in reason_block["element"]["options"]]
    assert offered[0] == "D-NOFIT" and "R-ICP" not in offered
    assert options_of(modal, "objection")[0] == "price"
    # A reject reason is not a disqualify reason any more.
    refused = bot.peer.submit_view(owner, modal.id, touch_values("R-ICP"))
    assert refused.json()["response_action"] == "errors"
    assert latest(bot, handoff.lead_id).first_touch is None
    values = {**touch_values("D-NOBUDGET"), **insight_values(persona="finance", objection="price")}
    answer = bot.peer.submit_view(owner, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip()
    done = latest(bot, handoff.lead_id)
    assert done.first_touch == "disqualified" and done.touch_reason_code == "D-NOBUDGET"
    assert (done.persona, done.decision_role, done.objection) == ("finance", None, "price")
    data = event_data(bot, handoff.lead_id, "first_touch")
    assert data["persona"] == "finance" and data["objection"] == "price"
