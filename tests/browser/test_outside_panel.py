"""The "CRM & webhooks" panel: after an Accept on the page, a newcomer opens the lead's
HubSpot record and sees what the bot wrote back, and the verified webhook delivery."""

from __future__ import annotations

import pytest

from tests.browser.conftest import post_lead

pytestmark = pytest.mark.browser

ANA = "U0AE00001"


def test_the_panel_shows_the_crm_record_and_the_delivery_after_an_accept(page, demo):
    external_id = "9100000001"  # a HubSpot contact's id: digits
    assert post_lead(demo, external_id=external_id, source="hubspot")["owner"] == ANA
    page.goto(f"{demo.sandbox.url}/?as={ANA}&c=dm")
    card = page.get_by_test_id("message").filter(has_text="Jordan Lee").last
    card.get_by_role("button", name="Accept", exact=True).click()

    page.get_by_test_id("outside").locator("summary").first.click()
    record = page.locator(f"[data-testid=crm-record][data-record-id='{external_id}']")
    record.get_by_test_id("crm-status").filter(has_text="IN_PROGRESS").wait_for()
    record.locator("summary").click()
    record.get_by_test_id("crm-item").filter(has_text="Accepted").wait_for()
    assert "51234561" in record.inner_text()  # Ana's HubSpot owner id
    delivery = page.get_by_test_id("delivery").filter(has_text="handoff.accepted").first
    delivery.wait_for()
    assert "✓" in delivery.inner_text()
