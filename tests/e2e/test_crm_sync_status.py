"""The write-back's status that people see (issue 10 §3), with real parts: the stand-in
HubSpot over HTTP, the crm lane's worker as `serve` builds it, the stand-in Slack. Both
cards carry one line per CRM, redrawn in place through the Slack lane when the row's state
changes; the admin's Home lists the failing destination with a Retry."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot import ids
from bot.services.decisions import ACCEPT, decide
from sandbox import payloads
from storage import outbox
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_FAILED, OUT_PENDING, Outbox
from tests import factories as f
from tests.bot.integrations.standins import CONTACT
from tests.e2e.test_crm_write_back import config, crm, crm_rows, hubspot, salesforce
from tests.handlers.test_app_home import open_home, text
from tests.helpers import cards_for, rendered, wait_for

__all__ = ["config", "crm", "hubspot", "salesforce"]  # fixtures
CONTACTS = "/crm/v3/objects/contacts"
UPDATED = "HubSpot updated ✓"
FAILED = "HubSpot update failed: see `handshake outbox`"


def accepted(bot: Any) -> Any:
    handoff = f.routed_handoff(bot, source="hubspot", external_id=CONTACT).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    bot.deliver()
    return handoff


def cards(bot: Any, handoff: Any) -> list[str]:
    """Both cards as Slack now shows them: the owner's DM, then the channel's."""
    dm = bot.slack.state.dm_channel_id(handoff.owner_id)
    return [
        rendered(card)
        for channel in (dm, f.CHANNEL)
        for card in cards_for(bot.slack, channel, handoff.id)
    ]


def card_updates(bot: Any) -> int:
    with unit_of_work(bot.runtime.engine) as session:
        query = select(Outbox).where(Outbox.kind == outbox.UPDATE_CARD)
        return len(session.exec(query).all())


def test_a_failing_crm_shows_on_both_cards_once_and_clears_when_it_recovers(
    bot, crm, hubspot, clock
):
    handoff = accepted(bot)
    shown = cards(bot, handoff)
    assert len(shown) == 2 and all("HubSpot update pending" in c for c in shown)

    error = {"status": "error", "category": "INTERNAL", "message": "down <!channel> & out"}
    hubspot.recorder.add_fault("PATCH", CONTACTS, status=500, body=error, times=3)
    before = card_updates(bot)
    assert crm.run_once() == 0
    assert card_updates(bot) == before + 2  # the first retry after an error: both cards
    bot.deliver()
    for card in cards(bot, handoff):
        assert (
            "HubSpot update failing: INTERNAL: down &lt;!channel&gt; &amp; out (retrying)" in card
        )
        assert "<!channel>" not in card

    for _ in range(2):  # failing again the same way redraws nothing
        clock.advance(minutes=5)
        assert crm.run_once() == 0
    assert card_updates(bot) == before + 2

    clock.advance(minutes=5)
    assert crm.run_once() == 1  # the stand-in recovered
    assert card_updates(bot) == before + 4
    bot.deliver()
    for card in cards(bot, handoff):
        assert UPDATED in card and "failing" not in card
    assert hubspot.contact(CONTACT)["hs_lead_status"] == "IN_PROGRESS"


def refused(bot: Any, crm: Any, hubspot: Any) -> Any:
    error = {"status": "error", "category": "VALIDATION_ERROR", "message": "INVALID_FIELD x"}
    hubspot.recorder.add_fault("PATCH", CONTACTS, status=400, body=error)
    handoff = accepted(bot)
    assert crm.run_once() == 0
    [row] = crm_rows(bot.runtime)
    assert row.status == OUT_FAILED
    bot.deliver()
    return handoff


def test_a_failed_write_back_shows_failed_on_both_cards(bot, crm, hubspot):
    handoff = refused(bot, crm, hubspot)
    shown = cards(bot, handoff)
    assert len(shown) == 2 and all(FAILED in c for c in shown)


def test_admin_home_lists_the_failing_destination_and_retry_puts_it_back(bot, crm, hubspot):
    handoff = refused(bot, crm, hubspot)
    home = open_home(bot, f.ADA)
    shown = text(home)
    assert "Failing destinations (1)" in shown
    assert "HubSpot* · 1 delivery failed" in shown
    assert "Latest error: VALIDATION_ERROR: INVALID_FIELD x" in shown
    assert "Slack call" not in shown  # the Slack line counts Slack calls only

    bot.peer.act(
        f.ADA, ids.HOME_RETRY_DESTINATION, view_id=home.id, block_id=f"{ids.HOME_FAILING_BLOCK}0"
    )
    refreshed = wait_for(
        lambda: "queued again" in text(bot.slack.state.home(f.ADA)) and bot.slack.state.home(f.ADA)
    )
    assert "1 delivery to HubSpot queued again." in text(refreshed)
    assert "Failing destinations" not in text(refreshed)
    [row] = crm_rows(bot.runtime)
    assert (row.status, row.attempts) == (OUT_PENDING, 0)
    bot.deliver()  # the Retry redraws the cards at once: retrying, no longer "failed"
    assert all("(retrying)" in c and FAILED not in c for c in cards(bot, handoff))

    assert crm.run_once() == 1  # the fault is gone: written, and both cards say so
    bot.deliver()
    assert all(UPDATED in c for c in cards(bot, handoff))
    assert crm_rows(bot.runtime)[0].status == OUT_DONE


def test_a_retry_from_someone_not_an_admin_is_refused(bot, crm, hubspot):
    refused(bot, crm, hubspot)
    body, content_type = payloads.block_actions(
        f.ANA,
        ids.HOME_RETRY_DESTINATION,
        "hubspot",
        channel_id=bot.slack.state.dm_channel_id(f.ANA),
        message_ts="1.000001",
        response_url="http://127.0.0.1:9/none",
        trigger_id="1.2.forged",
        block_id=f"{ids.HOME_FAILING_BLOCK}0",
    )
    assert bot.peer.post(body, content_type).status_code == 200
    home = wait_for(lambda: bot.slack.state.home(f.ANA))
    assert "Only an admin can retry deliveries." in json.dumps(home.payload["blocks"])
    [row] = crm_rows(bot.runtime)
    assert row.status == OUT_FAILED
