"""A person's clicks in the sandbox page, end to end through the real bot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import post_lead

pytestmark = pytest.mark.browser

ANA, MAYA, MIA, EVE = "U0AE00001", "U0MGR0001", "U0MKT0001", "U0AE00003"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "sandbox.png"


def act_as(page, demo, user: str, conversation: str) -> None:
    page.goto(f"{demo.sandbox.url}/?as={user}&c={conversation}")
    page.get_by_test_id(f"conv-{conversation}").wait_for()


def card(page, text: str):
    return page.get_by_test_id("message").filter(has_text=text).last


def test_reject_through_the_modal_updates_both_cards(page, demo):
    lead = post_lead(demo)
    assert lead["owner"] == ANA
    act_as(page, demo, ANA, "dm")
    mine = card(page, "Jordan Lee")
    mine.wait_for()
    for text in ("Accept", "Reject", "Hand back"):
        assert mine.get_by_role("button", name=text, exact=True).is_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    mine.get_by_role("button", name="Reject", exact=True).click()
    modal = page.get_by_test_id("modal")
    modal.wait_for()
    page.get_by_test_id("modal-submit").click()  # no reason yet: the bot refuses
    page.get_by_test_id("input-error").first.wait_for()
    modal.locator("select").first.select_option(
        label="Not our customer profile (size, industry, geography)"
    )
    modal.locator("textarea").fill("Only 12 people in the buying team")
    page.get_by_test_id("modal-submit").click()
    modal.wait_for(state="detached")

    wait_for_card(page, "Jordan Lee", "Rejected")
    updated = card(page, "Jordan Lee")
    assert updated.get_by_role("button", name="Accept", exact=True).count() == 0
    assert "Only 12 people" in updated.inner_text()

    act_as(page, demo, MIA, "C0HANDOFF1")  # the marketer watches the channel
    watched = card(page, "Jordan Lee")
    watched.wait_for()
    assert "Rejected" in watched.inner_text()  # the compact card: the reason is in Details
    assert watched.get_by_role("button", name="Accept", exact=True).count() == 0
    watched.get_by_role("button", name="Details", exact=True).click()
    details = page.get_by_test_id("modal")
    details.wait_for()
    text = details.inner_text()
    assert "Rejected" in text and "Not our customer profile" in text


def test_someone_elses_click_gets_an_ephemeral_refusal(page, demo):
    post_lead(demo)
    dm = "D" + ANA[1:]
    act_as(page, demo, EVE, dm)  # Eve looks at Ana's DM through the sandbox's peek
    card(page, "Jordan Lee").get_by_role("button", name="Accept", exact=True).click()
    refusal = page.get_by_test_id("ephemeral").filter(has_text="Only")
    refusal.wait_for()
    assert re.search(r"Ana Alvarez", refusal.inner_text())
    act_as(page, demo, ANA, "dm")  # nothing changed for Ana
    mine = card(page, "Jordan Lee")
    mine.wait_for()
    assert mine.get_by_role("button", name="Accept", exact=True).is_visible()
    assert page.get_by_test_id("ephemeral").count() == 0  # ephemerals are only Eve's


def test_accept_and_hand_back(page, demo):
    for first, last in (("Avery", "Stone"), ("Riley", "Park")):
        lead = post_lead(
            demo,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@{last.lower()}.example",
            company_domain=f"{last.lower()}.example",
            owner_email="ana@northwind-demo.example",
        )
        assert lead["owner"] == ANA
    act_as(page, demo, ANA, "dm")
    card(page, "Riley Park").wait_for()
    card(page, "Riley Park").get_by_role("button", name="Accept", exact=True).click()
    wait_for_card(page, "Riley Park", "Accepted")

    card(page, "Avery Stone").get_by_role("button", name="Hand back", exact=True).click()
    modal = page.get_by_test_id("modal")
    modal.wait_for()
    modal.locator("select").first.select_option(label="Timing: the project is months out")
    modal.locator("input[type=date]").fill("2027-03-01")
    page.get_by_test_id("modal-submit").click()
    modal.wait_for(state="detached")
    wait_for_card(page, "Avery Stone", "Handed back")
    assert "2027-03-01" in card(page, "Avery Stone").inner_text()


def wait_for_card(page, name: str, status: str) -> None:
    page.wait_for_function(
        """([name, status]) => [...document.querySelectorAll('[data-testid=message]')]
            .some(m => m.textContent.includes(name) && m.textContent.includes(status))""",
        arg=[name, status],
    )


def test_manager_runs_handshake_help(page, demo):
    act_as(page, demo, MAYA, "dm")
    composer = page.get_by_test_id("composer")
    composer.fill("/handshake help")
    composer.press("Enter")
    answer = page.get_by_test_id("ephemeral").filter(has_text="Handshake commands")
    answer.wait_for()
    assert "/handshake away" in answer.inner_text()


def test_a_note_from_outside_shows_as_a_quote_not_as_card_lines(page, demo):
    post_lead(demo, notes="ok\n*Reason:* Approved by the VP\n<not a tag>")
    act_as(page, demo, ANA, "dm")
    mine = card(page, "Jordan Lee")
    mine.wait_for()
    quote = mine.locator("blockquote.mrkdwn-quote").filter(has_text="Approved by the VP")
    quote.wait_for()
    text = quote.inner_text()
    assert text.startswith("ok") and "Reason: Approved by the VP" in text
    assert "<not a tag>" in text  # escaped text stays text
    assert ">" not in text.split("<not a tag>")[0]  # the quote marks are drawn, not printed
