"""The compact hand-off channel card in the sandbox page: a short line per hand-off, and
Details opens the full card (view-only) for whoever watches the channel."""

from __future__ import annotations

import pytest

from tests.browser.conftest import post_lead

pytestmark = pytest.mark.browser

ANA, MIA = "U0AE00001", "U0MKT0001"
CHANNEL = "C0HANDOFF1"
MAX_HEIGHT = 200  # px; the full card is about 600


def act_as(page, demo, user: str, conversation: str) -> None:
    page.goto(f"{demo.sandbox.url}/?as={user}&c={conversation}")
    page.get_by_test_id(f"conv-{conversation}").wait_for()


def test_the_compact_card_is_short_and_details_opens_the_full_card(page, demo):
    post_lead(demo)
    act_as(page, demo, MIA, CHANNEL)  # the marketer watches the channel
    card = page.get_by_test_id("message").filter(has_text="Jordan Lee").last
    card.wait_for()
    text = card.inner_text()
    for shown in ("Pending", "Jordan Lee", "Acme Logistics", "Owner: Ana", "score 78"):
        assert shown in text, shown
    assert "Asked about SSO" not in text and "Logistics automation 101" not in text
    box = card.bounding_box()
    assert box is not None and 0 < box["height"] < MAX_HEIGHT, box
    assert card.get_by_role("button", name="Accept", exact=True).count() == 0

    card.get_by_role("button", name="Details", exact=True).click()
    modal = page.get_by_test_id("modal")
    modal.wait_for()
    details = modal.inner_text()
    for shown in ("Lead details", "Asked about SSO", "Logistics automation 101", "Owner:"):
        assert shown in details, shown
    assert page.get_by_test_id("modal-submit").count() == 0  # nothing to submit
    assert modal.get_by_role("button", name="Accept", exact=True).count() == 0
    page.get_by_test_id("modal-close").click()
    modal.wait_for(state="detached")
    # Opening it changed nothing: the lead still waits for Ana.
    act_as(page, demo, ANA, "dm")
    mine = page.get_by_test_id("message").filter(has_text="Jordan Lee").last
    mine.wait_for()
    assert mine.get_by_role("button", name="Accept", exact=True).is_visible()
