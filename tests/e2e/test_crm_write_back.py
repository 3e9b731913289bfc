"""Decisions flow out to the CRMs end to end: a lead comes in through intake, its owner
decides, `emit` queues the write-back on the crm lane in the same transaction, and the crm
lane's worker (as `serve` builds it) writes it to the stand-in HubSpot and Salesforce over
HTTP, once, with the configured values; the Salesforce token is fetched once for the lane."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from bot.config import HandshakeConfig, parse_config
from bot.delivery import DeliveryWorker
from bot.runtime import Runtime
from bot.server import build_worker
from bot.services.decisions import ACCEPT, REJECT, decide
from storage.db import unit_of_work
from storage.models import LANE_CRM, OUT_DONE, Outbox
from tests import factories as f
from tests.bot.integrations.standins import CONTACT, LEAD, hubspot, salesforce

__all__ = ["hubspot", "salesforce"]  # the stand-in fixtures
HUBSPOT_OWNER, SALESFORCE_OWNER = "51234567", "0055e000001AbCdEAF"


@pytest.fixture
def config(hubspot, salesforce, monkeypatch) -> HandshakeConfig:
    monkeypatch.setenv("HUBSPOT_TOKEN", hubspot.token)
    monkeypatch.setenv("SF_CLIENT_ID", salesforce.client_id)
    monkeypatch.setenv("SF_CLIENT_SECRET", salesforce.client_secret)
    data = f.config_data(
        crm={
            "hubspot": {"token_env": "HUBSPOT_TOKEN", "api_url": hubspot.url, "owner": True,
                        "properties": {"reason": "handshake_reason", "note": "handshake_note"}},
            "salesforce": {"instance_url": salesforce.url, "client_id_env": "SF_CLIENT_ID",
                           "client_secret_env": "SF_CLIENT_SECRET", "owner": True,
                           "fields": {"reason": "Handshake_Reason__c"}},
        }
    )  # fmt: skip
    for n, person in enumerate(data["people"]):  # one id per person, as the config requires
        person["crm_ids"] = {
            "hubspot": HUBSPOT_OWNER if person["slack_id"] == f.ANA else f"5123{n:04d}",
            "salesforce": (
                SALESFORCE_OWNER if person["slack_id"] == f.ANA else f"0055e00000{n:05d}"
            ),
        }
    return parse_config(data)


@pytest.fixture
def crm(runtime: Runtime) -> Iterator[DeliveryWorker]:
    with httpx.Client(timeout=2.0) as http:
        yield build_worker(
            engine=runtime.engine,
            config=runtime.config,
            client=None,
            clock=runtime.clock,
            lane=LANE_CRM,
            http=http,
        )


def crm_rows(runtime: Runtime) -> list[Outbox]:
    with unit_of_work(runtime.engine) as session:
        query = select(Outbox).where(Outbox.lane == LANE_CRM).order_by(Outbox.id)
        return list(session.exec(query).all())


def test_each_decision_is_written_back_once_to_the_crm_its_lead_came_from(
    bot, crm, hubspot, salesforce
):
    from_hubspot = f.routed_handoff(bot, source="hubspot", external_id=CONTACT).handoff
    from_salesforce = f.routed_handoff(bot, source="salesforce", external_id=LEAD).handoff
    from_api = f.routed_handoff(bot, source="api").handoff  # no CRM of record: nothing queued
    decide(from_hubspot.id, from_hubspot.owner_id, ACCEPT, runtime=bot.runtime)
    decide(
        from_salesforce.id,
        from_salesforce.owner_id,
        REJECT,
        runtime=bot.runtime,
        reason_code="R-DATA",
        note="Bounced twice",
    )
    decide(from_api.id, from_api.owner_id, ACCEPT, runtime=bot.runtime)

    rows = crm_rows(bot.runtime)
    assert [(r.kind, r.destination, r.handoff_id) for r in rows] == [
        ("hubspot", "hubspot", from_hubspot.id),
        ("salesforce", "salesforce", from_salesforce.id),
    ]
    assert crm.run_once() == 2
    assert crm.run_once() == 0  # nothing twice
    assert all(r.status == OUT_DONE for r in crm_rows(bot.runtime))

    contact = hubspot.contact(CONTACT)
    assert contact["hs_lead_status"] == "IN_PROGRESS"
    assert contact["hubspot_owner_id"] == HUBSPOT_OWNER
    assert len(hubspot.notes_of(CONTACT)) == 1

    lead = salesforce.lead(LEAD)
    assert lead["Status"] == "Closed - Not Converted"
    assert lead["Handshake_Reason__c"].startswith("R-DATA")
    [task] = salesforce.tasks_of(LEAD)
    assert "Rejected" in task["Subject"]
    assert "Bounced twice" in task["Description"]


def test_the_salesforce_token_is_kept_by_the_lane_and_fetched_again_once_when_it_expires(
    bot, crm, salesforce
):
    ids = [f"00Q5e00000AbCdE{i:03d}" for i in range(3)]
    for lead_id in ids:
        salesforce.add_lead(lead_id, Status="Open - Not Contacted")
    handoffs = [
        f.routed_handoff(bot, source="salesforce", external_id=lead_id).handoff for lead_id in ids
    ]
    decide(handoffs[0].id, handoffs[0].owner_id, ACCEPT, runtime=bot.runtime)
    decide(handoffs[1].id, handoffs[1].owner_id, ACCEPT, runtime=bot.runtime)
    assert crm.run_once() == 2
    assert salesforce.tokens_issued == 1  # one token for both rows

    salesforce.expire_tokens()
    decide(handoffs[2].id, handoffs[2].owner_id, ACCEPT, runtime=bot.runtime)
    assert crm.run_once() == 1
    assert salesforce.tokens_issued == 2  # the 401 fetched a new one, once
    assert all(r.status == OUT_DONE for r in crm_rows(bot.runtime))
    assert [salesforce.lead(i)["Status"] for i in ids] == ["Working - Contacted"] * 3
