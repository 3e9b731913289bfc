"""`handshake serve` as a real process with native sources: the secrets come from the
process environment and from `.env`, as an admin would set them, and each vendor's request
(signed by its stand-in sender) reaches intake and then the owner's DM."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from standins import hubspot_webhook as hs
from standins import salesforce_outbound as sf
from tests import factories as f
from tests.e2e.test_serve import serving
from tests.helpers import wait_for

ORG = "00D5e000000ABCD"
HS_SECRET, SF_TOKEN, MK_TOKEN = "hs-secret", "sf-token", "mk-token"


@pytest.fixture
def served(tmp_path: Path, slack):
    data = f.config_data(
        sources=[
            {"name": "hubspot", "kind": "hubspot", "secret_env": "HUBSPOT_APP_SECRET"},
            {
                "name": "salesforce",
                "kind": "salesforce",
                "organization_id": ORG,
                "token_env": "SF_OUTBOUND_TOKEN",
                "map": {"score": "Lead_Score__c"},
            },
            {
                "name": "marketo",
                "kind": "json",
                "token_env": "MARKETO_TOKEN",
                "map": {"external_id": "leadId", "score": "leadScore"},
            },
        ]
    )
    (tmp_path / ".env").write_text(f"MARKETO_TOKEN={MK_TOKEN}\nSF_OUTBOUND_TOKEN={SF_TOKEN}\n")
    with serving(tmp_path, slack, data, HUBSPOT_APP_SECRET=HS_SECRET) as url:
        yield url


def _dm_posted(slack, owner: str) -> bool:
    return bool(slack.state.messages(slack.state.dm_channel_id(owner)))


def test_each_vendors_request_is_routed_and_its_owner_gets_the_card(served, slack):
    hubspot = hs.send(
        served + "/api/sources/hubspot",
        hs.flat_record(901, {"email": "kim@globex.example", "hubspotscore": "90"}),
        HS_SECRET,
    )
    assert hubspot.status_code == 202, hubspot.text
    marketo = httpx.post(
        served + "/api/sources/marketo",
        json={"leadId": 77, "email": "pat@initech.example", "leadScore": "88"},
        headers={"Authorization": f"Bearer {MK_TOKEN}"},
    )
    assert marketo.status_code == 202, marketo.text
    message = sf.lead_message(
        [{"Id": sf.record_id("00Q", 1), "Email": "lee@acme.example", "Lead_Score__c": "91"}],
        organization_id=ORG,
        action_id="04k5e0000000001",
    )
    salesforce = sf.send(served + f"/api/sources/salesforce?token={SF_TOKEN}", message)
    assert sf.acked(salesforce), salesforce.text
    owners = {hubspot.json()["owner"], marketo.json()["owner"]}
    wait_for(lambda: all(_dm_posted(slack, owner) for owner in owners), timeout=10)
    wait_for(lambda: len(slack.state.messages(f.CHANNEL)) == 3, timeout=10)


def test_a_wrong_secret_is_refused_by_the_running_service(served):
    body = hs.flat_record(902, {"email": "kim@globex.example"})
    assert hs.send(served + "/api/sources/hubspot", body, "not-it").status_code == 401
    salesforce = sf.send(served + "/api/sources/salesforce?token=nope", b"<x/>")
    assert salesforce.status_code == 401
