"""The SDR → AE stage on the sandbox page, end to end through the real bot: the SDR accepts
and books (date and time, the suggested AE, the three questions, a note), the AE sends the
meeting back naming a question, the SDR sees the gap and books again, the AE accepts it
into pipeline, and the hand-off channel's card shows the whole path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from storage.meetings import meetings_for_lead
from storage.models import MEETING_ACCEPTED, MEETING_SENT_BACK
from tests.browser.conftest import post_lead
from tests.browser.test_sandbox_page import act_as, card, wait_for_card

pytestmark = pytest.mark.browser

SAM, MIA = "U0SDR0001", "U0MKT0001"
SAM_ZONE = ZoneInfo("America/Chicago")  # the SDR's zone: the form's times are in it
AES = {"U0AE00001", "U0AE00002"}


def wall_time(moment: datetime) -> str:
    """What a person types into the date-and-time field, in Sam's zone."""
    return moment.astimezone(SAM_ZONE).strftime("%Y-%m-%dT%H:%M")


def book_button(page, name: str):
    """**Meeting booked** on the lead's card (the SDR's DMs about it name the lead too)."""
    button = page.get_by_role("button", name="Meeting booked")
    return (
        page.get_by_test_id("message")
        .filter(has_text=name)
        .filter(has=button)
        .last.locator("button", has_text="Meeting booked")
    )


def fill_booking(page, when: datetime, answers: dict[str, str], note: str) -> str:
    """Fill the open booking form; returns the AE it suggests (kept as is)."""
    modal = page.get_by_test_id("modal")
    modal.wait_for()
    assert "Book the meeting" in modal.inner_text()
    modal.locator("[data-block-id=meeting_at_block] input").fill(wall_time(when))
    for code, answer in answers.items():
        modal.locator(f"[data-block-id=meeting_answer_{code}] input[value={answer}]").check()
    modal.locator("[data-block-id=meeting_comment_PROFIT] input").fill("Margins depend on scope")
    modal.locator("[data-block-id=note_block] textarea").fill(note)
    return modal.locator("[data-block-id=meeting_ae_block] select").input_value()


def test_sdr_books_ae_sends_back_sdr_books_again_ae_accepts(page, demo):
    lead = post_lead(demo, owner_email=None)  # no CRM owner: the team's SDR first
    assert lead["owner"] == SAM
    tomorrow = (datetime.now(SAM_ZONE) + timedelta(days=1)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )

    # The SDR accepts and opens the booking form.
    act_as(page, demo, SAM, "dm")
    card(page, "Jordan Lee").get_by_role("button", name="Accept", exact=True).click()
    book_button(page, "Jordan Lee").click()
    modal = page.get_by_test_id("modal")
    long_ago = tomorrow - timedelta(days=4)
    ae = fill_booking(page, long_ago, {"VALUE": "yes", "PROFIT": "unsure", "COMPETE": "no"}, "")
    assert ae in AES  # pre-filled by routing, kept
    page.get_by_test_id("modal-submit").click()  # a meeting days ago: refused next to its field
    error = modal.locator("[data-block-id=meeting_at_block] [data-testid=input-error]")
    error.wait_for()
    assert error.inner_text().strip()
    assert modal.locator("[data-testid=input-error]:visible").count() == 1
    modal.locator("[data-block-id=meeting_at_block] input").fill(wall_time(tomorrow))
    modal.locator("[data-block-id=note_block] textarea").fill("Budget owner joins the call")
    page.get_by_test_id("modal-submit").click()
    modal.wait_for(state="detached")
    wait_for_card(page, "Jordan Lee", "awaiting")

    with Session(demo.engine) as session:
        [first] = meetings_for_lead(int(lead["id"]), session=session)  # type: ignore[arg-type]
    assert first.ae_id == ae and first.sdr_id == SAM
    assert first.meeting_at.replace(tzinfo=UTC) == tomorrow.astimezone(UTC)  # the zone kept
    assert [(a["code"], a["answer"]) for a in first.answers] == [
        ("VALUE", "yes"),
        ("PROFIT", "unsure"),
        ("COMPETE", "no"),
    ]
    assert first.answers[1]["comment"] == "Margins depend on scope"
    assert first.note == "Budget owner joins the call"

    # The AE sees the answers and sends the meeting back, naming the question.
    act_as(page, demo, ae, "dm")
    meeting = card(page, "Meeting-qualified by")
    meeting.wait_for()
    text = meeting.inner_text()
    for mark in ("✓", "?", "✗"):
        assert mark in text
    assert "Budget owner joins the call" in text
    meeting.get_by_role("button", name="Send back to SDR").click()
    modal.wait_for()
    modal.locator("[data-block-id=meeting_criterion_block] select").select_option(value="COMPETE")
    modal.locator("[data-block-id=note_block] textarea").fill("Who else are they looking at?")
    page.get_by_test_id("modal-submit").click()
    modal.wait_for(state="detached")
    wait_for_card(page, "Meeting-qualified by", "Sent back")

    # The SDR sees the gap and books again.
    act_as(page, demo, SAM, "dm")
    wait_for_card(page, "Jordan Lee", "Can we compete?")
    gap = page.get_by_test_id("message").filter(has_text="Who else are they looking at?")
    assert gap.count() >= 1
    book_button(page, "Jordan Lee").click()
    later = tomorrow + timedelta(days=1)
    second_ae = fill_booking(page, later, {"VALUE": "yes", "PROFIT": "yes", "COMPETE": "yes"}, "")
    assert second_ae in AES  # routing's next suggestion, kept
    page.get_by_test_id("modal-submit").click()
    modal.wait_for(state="detached")

    # The AE takes the new meeting into pipeline.
    act_as(page, demo, second_ae, "dm")
    pending = page.get_by_test_id("message").filter(has_text="Accept into pipeline").last
    pending.wait_for()
    pending.get_by_role("button", name="Accept into pipeline").click()
    page.get_by_test_id("message").filter(has_text="Accepted into pipeline").last.wait_for()

    with Session(demo.engine) as session:
        found = meetings_for_lead(int(lead["id"]), session=session)  # type: ignore[arg-type]
    assert [m.status for m in found] == [MEETING_SENT_BACK, MEETING_ACCEPTED]

    # The hand-off channel's card shows the path, updated in place.
    act_as(page, demo, MIA, "C0HANDOFF1")
    wait_for_card(page, "Jordan Lee", "accepted into pipeline")  # the compact card's stage
    assert "Meeting with" in card(page, "Jordan Lee").inner_text()
    card(page, "Jordan Lee").get_by_role("button", name="Details", exact=True).click()
    page.get_by_test_id("modal").wait_for()
    path = page.get_by_test_id("modal").inner_text()
    for step in ("MQL", "accepted by Sam Diaz", "meeting booked with", "Sent back to the SDR"):
        assert step in path, step
    assert path.index("Sent back to the SDR") < path.index("Accepted into pipeline")
    assert page.get_by_test_id("message").filter(has_text="Jordan Lee").count() == 1
