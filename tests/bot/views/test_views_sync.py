"""The write-back's line on both lead cards, and the admin's failing destinations on Home
(issue 10 §3): pure view builders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import ids
from bot.services.retry import Retried
from bot.views import build_lead_card
from bot.views.home_failing import failing_blocks, retried_text
from bot.views.sync_parts import crm_sync_line, crm_sync_text, vendor_error
from storage.models import ACCEPTED, LANE_CRM, LANE_WEBHOOK
from storage.sync_status import CrmSync, FailingDestination

SF_ERROR = (
    "Salesforce PATCH /services/data/v60.0/sobjects/Lead/00Q5e00000AbCdEAAZ: 400 "
    "INVALID_FIELD Handshake_Reason__c: No such column"
)


def context_texts(card: dict[str, Any]) -> list[str]:
    return [e["text"] for b in card["blocks"] if b["type"] == "context" for e in b["elements"]]


@pytest.mark.parametrize(
    ("item", "line"),
    [
        (CrmSync("hubspot", "done", 1, None), "HubSpot updated ✓"),
        (
            CrmSync("salesforce", "pending", 2, SF_ERROR),
            "Salesforce update failing: INVALID_FIELD Handshake_Reason__c: No such column "
            "(retrying)",
        ),
        (
            CrmSync("hubspot", "failed", 9, "gave up"),
            "HubSpot update failed: see `handshake outbox`",
        ),
        (CrmSync("hubspot", "pending", 0, None), "HubSpot update pending"),
        (CrmSync("hubspot", "done", 1, "source 'api' is not in crm.hubspot.sources"), None),
    ],
)
def test_one_line_per_crm_state(item: CrmSync, line: str | None) -> None:
    assert crm_sync_line(item) == line


def test_a_row_in_flight_keeps_its_last_state() -> None:
    assert crm_sync_line(CrmSync("hubspot", "sending", 2, "HubSpot PATCH /x: 503")) == (
        "HubSpot update failing: HTTP 503 (retrying)"
    )
    assert crm_sync_line(CrmSync("hubspot", "sending", 1, None)) == "HubSpot update pending"


def test_vendor_errors_are_shortened_escaped_and_trimmed() -> None:
    assert vendor_error("HubSpot PATCH /crm/v3/objects/contacts/51: 500") == "HTTP 500"
    assert vendor_error("HubSpot PATCH /crm/v3/objects/contacts/51: timed out") == "timed out"
    assert vendor_error("worker stopped mid-call") == "worker stopped mid-call"
    assert vendor_error(None) == "unknown error"
    evil = vendor_error("HubSpot PATCH /x: 400 <!channel> <@U1> & *bold*\n" + "y" * 500)
    assert "<" not in evil and ">" not in evil
    assert evil.startswith("&lt;!channel&gt; &lt;@U1&gt; &amp; *bold* y")
    assert len(evil) <= 120 and evil.endswith("…")


def test_both_cards_carry_the_lines_and_none_without_rows(kit: Any, check_limits: Any) -> None:
    handoff = kit.handoff(status=ACCEPTED)
    sync = (CrmSync("hubspot", "done", 1, None), CrmSync("salesforce", "failed", 3, "x"))
    for audience in ("owner", "channel"):
        card = build_lead_card(kit.ctx(handoff=handoff, crm_sync=sync), audience=audience)
        assert check_limits(card) == []
        assert (
            "HubSpot updated ✓\nSalesforce update failed: see `handshake outbox`"
            in context_texts(card)
        )
        bare = build_lead_card(kit.ctx(handoff=handoff), audience=audience)
        assert not any("HubSpot" in t or "Salesforce" in t for t in context_texts(bare))
    assert crm_sync_text(()) is None


SINCE = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def test_failing_destinations_with_a_retry_each(check_limits: Any) -> None:
    items = (
        FailingDestination(LANE_CRM, "salesforce", 2, 1, SINCE, SF_ERROR),
        FailingDestination(LANE_WEBHOOK, "https://h.example/<!here>", 0, 3, SINCE, "x: 503"),
    )
    blocks = failing_blocks(items, "UTC")
    assert check_limits({"type": "home", "blocks": blocks}, surface="view") == []
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "*Failing destinations (2)*" in shown
    assert "*Salesforce* · 2 deliveries failed, 1 delivery retrying · since " in shown
    assert "Latest error: INVALID_FIELD Handshake_Reason__c: No such column" in shown
    assert "Webhook https://h.example/&lt;!here&gt;* · 3 deliveries retrying" in shown
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1  # nothing failed at the webhook: nothing to put back yet
    [button] = actions[0]["elements"]
    assert (button["action_id"], button["value"]) == (ids.HOME_RETRY_DESTINATION, "salesforce")
    assert actions[0]["block_id"] == f"{ids.HOME_FAILING_BLOCK}0"
    assert failing_blocks((), "UTC") == []


def test_the_line_after_a_retry() -> None:
    assert retried_text(Retried("hubspot", 3)) == ("3 deliveries to HubSpot queued again.", False)
    assert retried_text(Retried("hubspot", 0)) == ("Nothing failed to retry for HubSpot.", False)
    assert retried_text(Retried("x", 0, allowed=False)) == (
        "Only an admin can retry deliveries.",
        True,
    )
