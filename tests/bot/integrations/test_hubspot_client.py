"""The HubSpot client against the stand-in HubSpot, served over HTTP on localhost."""

from __future__ import annotations

import pytest

from bot.integrations.crm_mapping import hubspot_write
from bot.integrations.errors import VendorRefused, VendorRetry
from bot.integrations.hubspot import HubSpotClient
from tests.bot.integrations.standins import CONTACT, decision_body, hubspot_settings

NOTES = "/crm/v3/objects/notes"


def client(hubspot, http, **config):
    settings = hubspot_settings(
        token_env="HUBSPOT_TOKEN",
        api_url=hubspot.url,
        properties={"reason": "handshake_reason", "note": "handshake_note"},
        **config,
    )
    return HubSpotClient(http, settings, hubspot.token), settings


def test_the_configured_values_arrive(hubspot, http):
    hs, config = client(hubspot, http, owner=True)
    write = hubspot_write(decision_body("handoff.accepted"), config, "51234567", "hs-1")
    result = hs.write_back(write, look_first=False)
    contact = hubspot.contact(CONTACT)
    assert contact["hs_lead_status"] == "IN_PROGRESS"
    assert contact["hubspot_owner_id"] == "51234567"
    assert contact["handshake_reason"] == ""
    [note] = hubspot.notes_of(CONTACT)
    assert note["id"] == result.note_id and "[hs-1]" in note["hs_note_body"]
    assert note["hubspot_owner_id"] == "51234567"
    [patch] = hubspot.recorder.calls_to("PATCH")
    assert patch.headers["authorization"] == f"Bearer {hubspot.token}"
    [create] = hubspot.recorder.calls_to("POST", NOTES)
    assert create.body["associations"] == [
        {"to": {"id": CONTACT},
         "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}
    ]  # fmt: skip


def test_a_rejection_writes_the_reason_and_note(hubspot, http):
    hs, config = client(hubspot, http)
    hs.write_back(hubspot_write(decision_body(), config, None, "hs-2"), look_first=False)
    contact = hubspot.contact(CONTACT)
    assert contact["hs_lead_status"] == "UNQUALIFIED"
    assert contact["handshake_reason"] == "R-DATA: Bad or unverifiable data"
    assert contact["handshake_note"] == "Email bounces"


def test_429_is_retried_after_retry_after(hubspot, http):
    limit = {"status": "error", "message": "You have reached your secondly limit.",
             "category": "RATE_LIMITS"}  # fmt: skip
    hubspot.recorder.add_fault(
        "PATCH", "/crm/v3/objects/contacts", status=429, retry_after=7, body=limit
    )
    hs, config = client(hubspot, http)
    with pytest.raises(VendorRetry) as caught:
        hs.write_back(hubspot_write(decision_body(), config, None, "hs-3"), look_first=False)
    assert caught.value.delay == 7 and caught.value.maybe_sent is False
    assert "RATE_LIMITS" in caught.value.error


def test_5xx_is_retried(hubspot, http):
    hubspot.recorder.add_fault(
        "POST", NOTES, status=502, body={"status": "error", "message": "Bad gateway"}
    )
    hs, config = client(hubspot, http)
    with pytest.raises(VendorRetry) as caught:
        hs.write_back(hubspot_write(decision_body(), config, None, "hs-4"), look_first=False)
    assert caught.value.maybe_sent is True  # a create whose outcome is unknown


def test_400_fails_with_hubspots_message(hubspot, http):
    hubspot.known_properties = {"hs_lead_status", "handshake_note"}
    hs, config = client(hubspot, http)
    with pytest.raises(VendorRefused) as caught:
        hs.write_back(hubspot_write(decision_body(), config, None, "hs-5"), look_first=False)
    expected = 'Property values were not valid: Property "handshake_reason" does not exist'
    assert f"400 VALIDATION_ERROR: {expected}" in str(caught.value)


def test_404_fails_with_hubspots_message(hubspot, http):
    hs, config = client(hubspot, http)
    body = decision_body(external_id="999")
    with pytest.raises(VendorRefused, match="404 OBJECT_NOT_FOUND: Object not found"):
        hs.write_back(hubspot_write(body, config, None, "hs-6"), look_first=False)


def test_a_note_whose_create_timed_out_after_success_is_not_created_twice(hubspot, http):
    hubspot.recorder.add_fault("POST", NOTES, delay=3.0, apply_after=True)
    hs, config = client(hubspot, http)
    write = hubspot_write(decision_body(), config, None, "hs-7")
    with pytest.raises(VendorRetry) as caught:
        hs.write_back(write, look_first=False)
    assert caught.value.maybe_sent is True
    assert len(hubspot.notes_of(CONTACT)) == 1  # HubSpot made it; we never heard
    result = hs.write_back(write, look_first=True)  # the retry: look first
    assert result.recovered is True
    assert len(hubspot.notes_of(CONTACT)) == 1
    assert len(hubspot.recorder.calls_to("POST", f"{NOTES}/search")) == 1


def test_a_retry_with_no_earlier_note_creates_one(hubspot, http):
    hs, config = client(hubspot, http)
    result = hs.write_back(hubspot_write(decision_body(), config, None, "hs-8"), look_first=True)
    assert result.recovered is False and len(hubspot.notes_of(CONTACT)) == 1


def test_a_wrong_token_fails(hubspot, http):
    settings = hubspot_settings(token_env="HUBSPOT_TOKEN", api_url=hubspot.url)
    hs = HubSpotClient(http, settings, "pat-wrong")
    with pytest.raises(VendorRefused, match="401 INVALID_AUTHENTICATION"):
        hs.write_back(hubspot_write(decision_body(), settings, None, "hs-9"), look_first=False)


def test_an_earlier_note_is_found_on_a_contact_with_more_notes_than_a_page(hubspot, http):
    """The search asks for the newest notes first: 150 older notes do not hide it."""
    hs, config = client(hubspot, http)
    for n in range(150):
        hs.create_note(CONTACT, {"hs_timestamp": "2026-11-01T00:00:00Z", "hs_note_body": f"#{n}"})
    write = hubspot_write(decision_body(), config, None, "hs-9")
    first = hs.write_back(write, look_first=False)
    again = hs.write_back(write, look_first=True)  # a retry after a lost answer
    assert again.recovered is True and again.note_id == first.note_id
    assert len(hubspot.notes_of(CONTACT)) == 151
