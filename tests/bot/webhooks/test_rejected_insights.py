"""The insights go out on a reject: the decision of the handoff.rejected webhook payload
carries the persona, decision role and objection chosen, each {code, label} (matching the
published schema), whether the reject closes the lead, re-routes it (wrong owner) or comes
from the Reject form; and the labels are the config's own when it lists custom insights."""

from __future__ import annotations

import pytest

from bot import ids
from bot.config import HandshakeConfig, parse_config
from bot.services.decisions import REJECT, decide
from tests import factories as f
from tests.bot.webhooks.conftest import SECRET, SECRET_ENV
from tests.bot.webhooks.test_insight_payloads import payload
from tests.e2e.test_insights import insight_values
from tests.helpers import click_card, dm_messages, reason_values, wait_for

PICKED = {"persona": "finance", "decision_role": "influencer", "objection": "competitor"}
SENT = {
    "persona": {"code": "finance", "label": "Finance or procurement"},
    "decision_role": {"code": "influencer", "label": "Influencer"},
    "objection": {"code": "competitor", "label": "Happy with a competitor"},
}
CUSTOM = {
    "personas": [{"code": "cfo", "label": "Chief financial officer"}],
    "roles": [{"code": "signer", "label": "Signs the contract"}],
    "objections": [{"code": "lock-in", "label": "Fears vendor lock-in"}],
}


@pytest.fixture
def insights() -> dict[str, object] | None:
    """The config's `insights` (None: the built-in lists)."""
    return None


@pytest.fixture
def config(receiver, insights) -> HandshakeConfig:
    data = f.config_data(webhooks=[{"url": receiver.url, "secret_env": SECRET_ENV}])
    if insights is not None:
        data["insights"] = insights
    return parse_config(data, environ={SECRET_ENV: SECRET})


def reject(bot, runtime, reason_code: str, insights: dict):
    """A routed lead rejected by its owner with `insights` picked."""
    handoff = f.routed_handoff(bot).handoff
    return decide(
        handoff.id,
        handoff.owner_id,
        REJECT,
        runtime=runtime,
        reason_code=reason_code,
        insights=insights,
    )


def test_rejected_payload_carries_the_insights_chosen(bot, runtime):
    outcome = reject(bot, runtime, "R-AUTHORITY", PICKED)
    assert outcome.result == "recorded"
    body = payload(runtime, "handoff.rejected")
    assert body["type"] == "handoff.rejected"
    decision = body["data"]["decision"]
    assert decision["outcome"] == "rejected" and decision["reason_code"] == "R-AUTHORITY"
    assert decision["insights"] == SENT


def test_partial_and_unknown_insights_go_out_as_null(bot, runtime):
    reject(bot, runtime, "R-DATA", {"persona": "astronaut", "objection": "price"})
    insights = payload(runtime, "handoff.rejected")["data"]["decision"]["insights"]
    assert insights == {
        "persona": None,  # not in the config's list: dropped
        "decision_role": None,
        "objection": {"code": "price", "label": "Price"},
    }


def test_a_wrong_owner_reject_carries_the_insights_too(bot, runtime):
    outcome = reject(bot, runtime, "R-OWNER", PICKED)
    assert outcome.new_handoff is not None  # re-routed
    decision = payload(runtime, "handoff.rejected")["data"]["decision"]
    assert decision["reason_code"] == "R-OWNER" and decision["insights"] == SENT


def test_the_reject_form_sends_what_was_picked(bot, runtime):
    routed = f.routed_handoff(bot)
    owner, handoff = routed.handoff.owner_id, routed.handoff
    click_card(bot, owner, ids.REJECT, handoff, dm_messages(bot.slack, owner)[0])
    modal = wait_for(lambda: bot.slack.state.open_modals(owner))[-1]
    values = {**reason_values("R-ICP"), **insight_values(**PICKED)}
    answer = bot.peer.submit_view(owner, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip()
    decision = payload(runtime, "handoff.rejected")["data"]["decision"]
    assert decision["reason_code"] == "R-ICP" and decision["insights"] == SENT


@pytest.mark.parametrize("insights", [CUSTOM])
def test_custom_lists_send_their_codes_and_labels(bot, runtime):
    picked = {"persona": "cfo", "decision_role": "signer", "objection": "lock-in"}
    reject(bot, runtime, "R-JUNK", picked)
    insights = payload(runtime, "handoff.rejected")["data"]["decision"]["insights"]
    assert insights == {
        "persona": {"code": "cfo", "label": "Chief financial officer"},
        "decision_role": {"code": "signer", "label": "Signs the contract"},
        "objection": {"code": "lock-in", "label": "Fears vendor lock-in"},
    }
