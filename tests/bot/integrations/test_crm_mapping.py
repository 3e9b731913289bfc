"""The pure mapping from a decision event to what is written to each CRM: tables of cases."""

from __future__ import annotations

import pytest

from bot.integrations.crm_mapping import (
    NotADecision,
    hubspot_write,
    salesforce_write,
    soql_quote,
    task_query,
    task_subject,
)
from tests.bot.integrations.standins import (
    LEAD,
    decision_body,
    hubspot_settings,
    salesforce_settings,
)

HS = hubspot_settings(
    token_env="HUBSPOT_TOKEN",
    properties={"reason": "handshake_reason", "note": "handshake_note"},
    owner=True,
)
SF = salesforce_settings(
    instance_url="https://acme.my.salesforce.com",
    client_id_env="SF_CLIENT_ID",
    client_secret_env="SF_CLIENT_SECRET",
    fields={"reason": "Handshake_Reason__c", "note": "Handshake_Note__c"},
    owner=True,
)


@pytest.mark.parametrize(
    ("kind", "status", "reason", "note", "owner"),
    [
        ("handoff.accepted", "IN_PROGRESS", "", "", "51234567"),
        (
            "handoff.rejected",
            "UNQUALIFIED",
            "R-DATA: Bad or unverifiable data",
            "Email bounces",
            None,
        ),
        (
            "handoff.handed_back",
            "BAD_TIMING",
            "R-DATA: Bad or unverifiable data",
            "Email bounces",
            None,
        ),
    ],
)
def test_hubspot_properties_per_outcome(kind, status, reason, note, owner):
    write = hubspot_write(decision_body(kind), HS, "51234567", "hs-1")
    assert write.contact_id == "51"
    expected = {"hs_lead_status": status, "handshake_reason": reason, "handshake_note": note}
    if owner:
        expected["hubspot_owner_id"] = owner
    assert write.properties == expected
    assert write.note is not None and "[hs-1]" in write.note["hs_note_body"]
    assert write.note["hs_timestamp"] == "2026-11-03T14:05:00Z"


@pytest.mark.parametrize(
    ("kind", "status", "reason", "owner"),
    [
        ("handoff.accepted", "Working - Contacted", None, "0055e000001AbCdEAF"),
        ("handoff.rejected", "Closed - Not Converted", "R-DATA: Bad or unverifiable data", None),
        ("handoff.handed_back", "Open - Not Contacted", "R-DATA: Bad or unverifiable data", None),
    ],
)
def test_salesforce_fields_per_outcome(kind, status, reason, owner):
    body = decision_body(kind, external_id=LEAD, source="salesforce")
    write = salesforce_write(body, SF, "0055e000001AbCdEAF", "hs-2")
    assert write.fields["Status"] == status
    assert write.fields["Handshake_Reason__c"] == reason
    assert write.fields.get("OwnerId") == owner
    task = write.task
    assert task is not None and task["WhoId"] == LEAD and task["Status"] == "Completed"
    assert task["Subject"].endswith("[hs-2]") and task["ActivityDate"] == "2026-11-03"
    assert "Ana Alvarez" in task["Description"]


def test_nothing_optional_is_written_when_not_configured():
    plain_hs = hubspot_settings(token_env="T", notes=False)
    write = hubspot_write(decision_body("handoff.accepted"), plain_hs, "51234567", "hs-3")
    assert write.properties == {"hs_lead_status": "IN_PROGRESS"}  # owner is off by default
    assert write.note is None
    plain_sf = salesforce_settings(instance_url="https://x.my.salesforce.com", client_id_env="A",
                                client_secret_env="B", tasks=False, statuses={})  # fmt: skip
    write = salesforce_write(
        decision_body("handoff.rejected", external_id=LEAD), plain_sf, None, "k"
    )
    assert write.fields == {} and write.task is None


def test_the_note_escapes_html_and_the_subject_is_bounded():
    body = decision_body("handoff.rejected", note="<script>x</script> & co")
    note = hubspot_write(body, HS, None, "hs-4").note
    assert "&lt;script&gt;" in note["hs_note_body"] and "<script>" not in note["hs_note_body"]
    assert len(task_subject("handed_back", "hs-" + "9" * 400)) == 255


@pytest.mark.parametrize(
    "body",
    [
        decision_body("handoff.reassigned"),
        decision_body("lead.routed"),
        decision_body("handoff.accepted", external_id=""),
    ],
)
def test_not_a_decision_is_refused(body):
    if body["type"] != "handoff.accepted":
        body["data"]["decision"]["outcome"] = None
    with pytest.raises(NotADecision):
        hubspot_write(body, HS, None, "k")


def test_soql_values_are_quoted():
    assert soql_quote("O'Brien \\ x") == "O\\'Brien \\\\ x"
    query = task_query(LEAD, "Handshake: Rejected [hs-1]")
    assert query == (
        f"SELECT Id FROM Task WHERE WhoId = '{LEAD}' AND Subject = 'Handshake: Rejected [hs-1]'"
    )


@pytest.mark.parametrize("bad", ["../companies/555", "51#junk", "51?x=1", "5 1", "٣", "1" * 21])
def test_a_hubspot_write_refuses_an_external_id_that_is_not_a_contact_id(bad):
    """It goes into the URL: "../companies/555" must not PATCH a company."""
    with pytest.raises(NotADecision, match="is not a HubSpot id"):
        hubspot_write(decision_body("handoff.rejected", external_id=bad), HS, None, "k")
    assert hubspot_write(decision_body("handoff.rejected", external_id="51"), HS, None, "k")


@pytest.mark.parametrize("bad", ["00Q5e000001AbCd/../../Account/001", "00Q5e000001AbC", "x" * 19])
def test_a_salesforce_write_refuses_an_external_id_that_is_not_an_id(bad):
    with pytest.raises(NotADecision, match="is not a Salesforce id"):
        salesforce_write(decision_body("handoff.rejected", external_id=bad), SF, None, "k")
    for good in (LEAD, LEAD[:15]):
        assert salesforce_write(decision_body("handoff.rejected", external_id=good), SF, None, "k")
