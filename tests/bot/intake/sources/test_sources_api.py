"""POST /api/sources/{name} and per-source tokens on POST /api/leads, over real HTTP, the
HubSpot requests built and signed by the stand-in sender (standins/hubspot_webhook)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.config import parse_config
from standins import hubspot_webhook as hs
from storage.db import unit_of_work
from storage.models import Lead
from tests import factories as f
from tests.bot.intake.sources.test_mapping import (
    BEN_HUBSPOT,
    LEGACY_CONTACT,
    MARKETO,
    MARKETO_MAP,
)

SECRET, MARKETO_TOKEN, SF_TOKEN = "hs-app-secret", "mk-token", "sf-token"
ENV = {"HS_SECRET": SECRET, "MK_TOKEN": MARKETO_TOKEN, "SF_TOKEN": SF_TOKEN}


@pytest.fixture
def config():
    data = f.config_data(
        sources=[
            {"name": "hubspot", "kind": "hubspot", "secret_env": "HS_SECRET"},
            {"name": "marketo", "kind": "json", "token_env": "MK_TOKEN", "map": MARKETO_MAP},
            {
                "name": "salesforce",
                "kind": "salesforce",
                "token_env": "SF_TOKEN",
                "organization_id": "00D5e000000ABCD",
            },
        ]
    )
    data["people"][1]["crm_ids"] = {"hubspot": BEN_HUBSPOT}
    return parse_config(data, environ=ENV)


def leads(bot) -> list[Lead]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Lead)).all())


def now_ms(bot) -> int:
    return int(bot.runtime.clock().timestamp() * 1000)


def send_hubspot(bot, body, *, secret=SECRET, age_ms=0, url=None):
    url = url or bot.url + "/api/sources/hubspot"
    return hs.send(url, body, secret, timestamp_ms=now_ms(bot) - age_ms, client=bot.http)


def test_hubspot_legacy_contact_is_routed_to_its_owner(bot):
    response = send_hubspot(bot, LEGACY_CONTACT)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "routed" and response.json()["owner"] == f.BEN
    [lead] = leads(bot)
    assert (lead.source, lead.external_id, lead.email) == (
        "hubspot",
        "3234574",
        "testingapis@hubspot.com",
    )
    assert lead.company_domain == "hubspot.com"


def test_hubspot_flat_body_and_its_duplicate(bot):
    body = hs.flat_record(501, {"email": "kim@globex.example", "hubspotscore": "90"})
    first = send_hubspot(bot, body)
    assert first.status_code == 202 and first.json()["status"] == "routed"
    again = send_hubspot(bot, body)
    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"], "status": "duplicate"}


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "not-the-secret"},
        {"age_ms": 5 * 60 * 1000 + 1000},
        {"age_ms": -6 * 60 * 1000},
    ],
)
def test_hubspot_wrong_signature_or_stale_timestamp_is_401_and_stores_nothing(bot, change):
    response = send_hubspot(bot, LEGACY_CONTACT, **change)
    assert response.status_code == 401 and "error" in response.json()
    assert leads(bot) == []


def test_hubspot_unsigned_request_and_a_tampered_body_are_401(bot):
    url = bot.url + "/api/sources/hubspot"
    assert bot.http.post(url, json=LEGACY_CONTACT).status_code == 401
    headers, raw = hs.signed_request(url, LEGACY_CONTACT, SECRET, timestamp_ms=now_ms(bot))
    tampered = raw.replace(b"testingapis", b"attacker")
    assert bot.http.post(url, content=tampered, headers=headers).status_code == 401
    assert leads(bot) == []


def test_hubspot_signature_covers_the_query_string(bot):
    url = bot.url + "/api/sources/hubspot?portal=62515&tag=a%3Ab"
    assert send_hubspot(bot, LEGACY_CONTACT, url=url).status_code == 202


def test_hubspot_bad_content_is_422_named_by_hubspot_property(bot):
    body = {"objectId": 9, "properties": {"email": {"value": "nope"}, "numemployees": "x"}}
    response = send_hubspot(bot, body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"properties.email", "properties.numemployees"}
    assert leads(bot) == []


def test_unknown_source_is_404(bot):
    response = bot.http.post("/api/sources/pipedrive", json={})
    assert response.status_code == 404 and "pipedrive" in response.json()["error"]


def test_marketo_templated_body_with_its_token(bot):
    auth = {"Authorization": f"Bearer {MARKETO_TOKEN}"}
    response = bot.http.post("/api/sources/marketo", json=MARKETO, headers=auth)
    assert response.status_code == 202, response.text
    [lead] = leads(bot)
    assert (lead.source, lead.external_id, lead.campaign) == ("marketo", "1234", "Q4 webinar")
    assert lead.extra == {"utm_source": "linkedin"}


@pytest.mark.parametrize("token", [None, "wrong", SECRET])
def test_json_source_wrong_token_is_401_and_stores_nothing(bot, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = bot.http.post("/api/sources/marketo", json=MARKETO, headers=headers)
    assert response.status_code == 401
    assert leads(bot) == []


def test_json_source_bad_content_names_the_source_fields(bot):
    auth = {"Authorization": f"Bearer {MARKETO_TOKEN}"}
    body = {**MARKETO, "email": "", "leadScore": "high"}
    response = bot.http.post("/api/sources/marketo", json=body, headers=auth)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"email", "leadScore"}
    bad = bot.http.post("/api/sources/marketo", content=b"{not json", headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body"
    assert leads(bot) == []


def test_source_body_over_1_mib_is_413(bot):
    auth = {"Authorization": f"Bearer {MARKETO_TOKEN}"}
    body = {**MARKETO, "notes": "x" * (1024 * 1024)}
    assert bot.http.post("/api/sources/marketo", json=body, headers=auth).status_code == 413


def test_a_sources_token_on_api_leads_sets_the_source(bot):
    body = f.lead_body(source="spoofed")
    response = bot.post_lead(body, token=MARKETO_TOKEN)
    assert response.status_code == 202
    [lead] = leads(bot)
    assert lead.source == "marketo"
    assert bot.post_lead(f.lead_body(), token="hs-app-secret").status_code == 401  # not a token
    plain = bot.post_lead(f.lead_body(source="web"))  # the intake token keeps the body's
    assert plain.status_code == 202 and {x.source for x in leads(bot)} == {"marketo", "web"}
