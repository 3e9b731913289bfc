"""POST /api/sources/{name} for `kind: salesforce`: Outbound Messages as the stand-in sender
builds them (standins/salesforce_outbound), over real HTTP."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.config import parse_config
from standins import salesforce_outbound as sf
from storage.db import unit_of_work
from storage.models import Handoff
from tests import factories as f
from tests.bot.intake.sources.test_salesforce_soap import BILLION_LAUGHS
from tests.bot.intake.sources.test_sources_api import ENV, SF_TOKEN, leads

ORG = "00D5e000000ABCD"
BEN_SF = "0055e000001AbCd"


@pytest.fixture
def config():
    data = f.config_data(
        sources=[
            {
                "name": "salesforce",
                "kind": "salesforce",
                "token_env": "SF_TOKEN",
                "organization_id": ORG,
                "map": {"score": "Lead_Score__c"},
            }
        ]
    )
    data["people"][1]["crm_ids"] = {"salesforce": BEN_SF}
    return parse_config(data, environ=ENV)


def record(n: int, **fields: str | None) -> dict[str, str | None]:
    return {
        "Id": sf.record_id("00Q", n),
        "Email": f"buyer{n}@acme.example",
        "FirstName": "Jordan",
        "LastName": f"Lee {n}",
        "Company": "Acme",
        "Title": "VP Sales",
        "Country": "DE",
        "NumberOfEmployees": "450",
        "Website": "https://www.acme.example/about",
        "LeadSource": "Q4 webinar",
        "Lead_Score__c": "85",
        **fields,
    }


def message(*records, organization_id: str = ORG) -> bytes:
    return sf.lead_message(
        list(records), organization_id=organization_id, action_id="04k5e0000000001"
    )


def post(bot, body: bytes, *, token: str | None = SF_TOKEN):
    url = bot.url + "/api/sources/salesforce" + (f"?token={token}" if token is not None else "")
    return sf.send(url, body, client=bot.http)


def test_three_notifications_one_a_duplicate_are_stored_once_each_then_acked(bot):
    first, second = record(1), record(2, OwnerId=BEN_SF)
    response = post(bot, message(first, second, first))
    assert sf.acked(response), response.text
    assert response.headers["content-type"].startswith("text/xml")
    stored = {lead.external_id: lead for lead in leads(bot)}
    assert set(stored) == {first["Id"], second["Id"]}
    lead = stored[first["Id"]]
    assert (lead.source, lead.email, lead.company, lead.employees) == (
        "salesforce",
        "buyer1@acme.example",
        "Acme",
        450,
    )
    assert (lead.company_domain, lead.campaign, lead.score) == ("acme.example", "Q4 webinar", 85)


def test_owner_id_routes_through_crm_ids(bot):
    response = post(bot, message(record(7, OwnerId=BEN_SF)))
    assert sf.acked(response)
    [lead] = leads(bot)
    with unit_of_work(bot.runtime.engine) as session:
        owners = [h.owner_id for h in session.exec(select(Handoff)).all()]
    assert lead.external_id == sf.record_id("00Q", 7)
    assert owners == [f.BEN]


def test_a_message_resent_after_a_lost_ack_stores_nothing_new_and_is_acked_again(bot):
    body = message(record(1), record(2))
    assert sf.acked(post(bot, body))
    before = sorted((lead.id, lead.external_id) for lead in leads(bot))
    again = post(bot, body)  # Salesforce never saw the first Ack: the same bytes again
    assert sf.acked(again)
    assert sorted((lead.id, lead.external_id) for lead in leads(bot)) == before


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_a_wrong_token_is_401_and_stores_nothing(bot, token):
    response = post(bot, message(record(1)), token=token)
    assert response.status_code == 401 and not sf.acked(response)
    assert leads(bot) == []


def test_another_orgs_message_is_401_and_stores_nothing(bot):
    response = post(bot, message(record(1), organization_id="00D5e000000WXYZ"))
    assert response.status_code == 401
    assert "OrganizationId" in response.json()["error"]
    assert leads(bot) == []


def test_the_18_character_form_of_the_org_id_is_the_same_org(bot):
    response = post(bot, message(record(1), organization_id=sf.case_safe_id(ORG)))
    assert sf.acked(response)


def test_an_xml_bomb_is_422_and_nothing_is_expanded_or_stored(bot):
    response = post(bot, BILLION_LAUGHS)
    assert response.status_code == 422
    assert "lol" not in response.text
    assert leads(bot) == []


def test_one_bad_notification_keeps_the_good_ones_and_refuses_naming_its_field(bot):
    """The good leads are stored; the 422 keeps the message in Salesforce's queue, where
    its delivery status shows why; each re-send stores nothing twice."""
    body = message(record(1), record(2, Email="not-an-email"), record(3))
    response = post(bot, body)
    assert response.status_code == 422 and not sf.acked(response)
    assert [e["field"] for e in response.json()["errors"]] == ["Notification[1].sObject.Email"]
    stored = sorted(lead.external_id for lead in leads(bot))
    assert stored == sorted(sf.record_id("00Q", n) for n in (1, 3))
    again = post(bot, body)  # Salesforce's retry
    assert again.status_code == 422
    assert sorted(lead.external_id for lead in leads(bot)) == stored
    with unit_of_work(bot.runtime.engine) as session:
        assert len(session.exec(select(Handoff)).all()) == 2  # one card each, not two


def test_a_message_over_1_mib_is_413(bot):
    response = post(bot, message(record(1, Description="x" * (1024 * 1024))))
    assert response.status_code == 413
    assert leads(bot) == []
