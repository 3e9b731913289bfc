"""The booking form's AE, pre-filled by routing (account owner, round robin with its
cursor kept, away, the manager as the fallback), and the criteria as configured."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot import ids
from storage.db import unit_of_work
from storage.people import set_away
from tests import factories as f
from tests.helpers import rendered
from tests.meetings import (
    accepted_by_sam,
    book,
    booking_values,
    meeting_card,
    meetings_of,
    open_booking,
    sdr_config,
    send_back,
)

CRITERIA = {
    "version": "2026-11",
    "criteria": [
        {"code": "BUDGET", "question": "Is there a budget this year?"},
        {"code": "CHAMPION", "question": "Do we have a champion?"},
    ],
}


@pytest.fixture
def config(request):
    return sdr_config(**getattr(request, "param", {}))


def prefill(modal):
    blocks = {b.get("block_id"): b for b in modal.payload["blocks"]}
    ae = blocks[ids.MEETING_AE_BLOCK]
    return ae["element"]["initial_option"]["value"], ae.get("hint", {}).get("text", "")


def away(bot, *people):
    with unit_of_work(bot.runtime.engine) as session:
        for person in people:
            set_away(person, date(2026, 12, 31), session=session)


def test_round_robin_moves_on_with_each_booking_and_skips_the_away(bot):
    first = book(bot, accepted_by_sam(bot))
    assert (first.ae_id, first.ae_rule) == (f.ANA, "round_robin")
    routed = accepted_by_sam(bot)
    assert prefill(open_booking(bot, routed)) == (
        f.BEN,
        "Pre-filled by round robin among your team's AEs.",
    )
    away(bot, f.BEN)
    assert prefill(open_booking(bot, routed))[0] == f.CARA
    second = book(bot, routed, ae=f.CARA)
    assert (second.ae_id, second.ae_rule) == (f.CARA, "round_robin")
    assert prefill(open_booking(bot, accepted_by_sam(bot)))[0] == f.ANA  # wrapped round


def test_the_account_owner_gets_the_next_meeting_of_the_same_company(bot):
    chosen = book(bot, accepted_by_sam(bot, company_domain="acme.example"), ae=f.CARA)
    assert chosen.ae_rule == "chosen"  # Ana was suggested; Sam picked Cara
    routed = accepted_by_sam(bot, company_domain="acme.example")
    ae, hint = prefill(open_booking(bot, routed))
    assert (ae, hint) == (f.CARA, "Pre-filled: the AE who already holds this account.")
    again = book(bot, routed, ae=f.CARA)
    assert again.ae_rule == "account"
    other = accepted_by_sam(bot, company_domain="globex.example")
    assert prefill(open_booking(bot, other))[0] == f.ANA  # the cursor did not move


def test_a_meeting_booked_again_goes_back_to_the_ae_who_sent_it_back(bot):
    routed = accepted_by_sam(bot)
    first = book(bot, routed, ae=f.BEN)  # Ana was suggested; Sam picked Ben
    send_back(bot, first, criterion="COMPETE")
    assert prefill(open_booking(bot, routed)) == (
        f.BEN,
        "Pre-filled: the AE who sent this meeting back.",
    )
    again = book(bot, routed, ae=f.BEN)
    assert (again.ae_id, again.ae_rule) == (f.BEN, "sent_back_by")
    send_back(bot, again)
    away(bot, f.BEN)  # away now: the rotation's next AE instead
    assert prefill(open_booking(bot, routed)) == (
        f.ANA,
        "Pre-filled by round robin among your team's AEs.",
    )


def test_with_every_ae_away_the_manager_is_suggested_and_may_take_it(bot):
    away(bot, f.ANA, f.BEN, f.CARA)
    routed = accepted_by_sam(bot)
    modal = open_booking(bot, routed)
    assert prefill(modal)[0] == f.MAYA
    options = next(b for b in modal.payload["blocks"] if b.get("block_id") == ids.MEETING_AE_BLOCK)
    assert options["element"]["options"][0]["text"]["text"] == "Maya Moreau (manager)"
    meeting = book(bot, routed, ae=f.MAYA)
    assert (meeting.ae_id, meeting.ae_rule) == (f.MAYA, "manager_fallback")
    assert "Meeting-qualified by *Sam Diaz*" in rendered(meeting_card(bot, f.MAYA, meeting.id))


@pytest.mark.parametrize("config", [{"qualification": CRITERIA}], indirect=True)
def test_the_criteria_come_from_the_config(bot):
    routed = accepted_by_sam(bot)
    modal = open_booking(bot, routed)
    labels = [
        b["label"]["text"]
        for b in modal.payload["blocks"]
        if b.get("block_id", "").startswith(ids.MEETING_ANSWER_BLOCK)
    ]
    assert labels == ["Is there a budget this year?", "Do we have a champion?"]
    at = bot.runtime.clock() + timedelta(days=2)
    codes = ("BUDGET", "CHAMPION")
    missing = bot.peer.submit_view(
        f.SAM, modal.id, booking_values(at=at, ae=f.ANA, answers={"BUDGET": "yes"}, codes=codes)
    )
    assert list(missing.json()["errors"]) == [ids.MEETING_ANSWER_BLOCK + "CHAMPION"]
    meeting = book(bot, routed, answers={"BUDGET": "yes", "CHAMPION": "unsure"}, codes=codes)
    assert meeting.criteria_version == "2026-11"
    assert [a["code"] for a in meeting.answers] == ["BUDGET", "CHAMPION"]
    card = rendered(meeting_card(bot, f.ANA, meeting.id))
    assert "criteria 2026-11" in card
    assert "✓ *Is there a budget this year?*" in card and "? *Do we have a champion?*" in card
    assert "Can we compete?" not in card
    assert len(meetings_of(bot, routed.lead_id)) == 1
