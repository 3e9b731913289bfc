"""The `hubspot` and `salesforce` jobs run by the real delivery worker, on a real SQLite
outbox, against the stand-in CRMs over HTTP: each decision arrives once, with the configured
values; a lost answer is retried without a second note or Task; refusals fail the row."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.config import parse_config
from bot.delivery.jobs import hubspot as hubspot_jobs
from bot.delivery.jobs import salesforce as salesforce_jobs
from bot.delivery.worker import DeliveryWorker
from bot.server import prepare_database
from storage.db import unit_of_work
from storage.models import LANE_CRM, OUT_DONE, OUT_FAILED, OUT_PENDING, Event, Outbox
from tests import factories as f
from tests.bot.integrations.standins import CONTACT, LEAD, decision_body, hubspot, salesforce

__all__ = ["hubspot", "salesforce"]  # the stand-in fixtures


@pytest.fixture
def crm_worker(tmp_path, clock, hubspot, salesforce, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("HUBSPOT_TOKEN", hubspot.token)
    monkeypatch.setenv("SF_CLIENT_ID", salesforce.client_id)
    monkeypatch.setenv("SF_CLIENT_SECRET", salesforce.client_secret)
    data = f.config_data(
        crm={
            "hubspot": {"token_env": "HUBSPOT_TOKEN", "api_url": hubspot.url, "owner": True,
                        "properties": {"reason": "handshake_reason"}},
            "salesforce": {"instance_url": salesforce.url, "client_id_env": "SF_CLIENT_ID",
                           "client_secret_env": "SF_CLIENT_SECRET", "owner": True,
                           "fields": {"reason": "Handshake_Reason__c"}},
        }
    )  # fmt: skip
    owner = next(p for p in data["people"] if p["slack_id"] == f.ANA)
    owner["crm_ids"] = {"hubspot": "51234567", "salesforce": "0055e000001AbCdEAF"}
    config = parse_config(data)
    engine = prepare_database(f"sqlite:///{tmp_path / 'crm.db'}", config)
    worker = DeliveryWorker(
        engine=engine,
        config=config,
        client=WebClient(base_url="http://127.0.0.1:9/"),  # the CRM jobs never call Slack
        clock=clock,
        jobs={**hubspot_jobs.KINDS, **salesforce_jobs.KINDS},
    )
    worker.http = httpx.Client(timeout=2.0)  # type: ignore[attr-defined]
    yield worker
    worker.http.close()  # type: ignore[attr-defined]
    engine.dispose()


def enqueue(worker, kind: str, body: dict[str, Any]) -> int:
    now = worker.clock()
    row = Outbox(kind=kind, target="crm", payload={"event": body["type"], "body": body},
                 lane=worker.lane, next_attempt_at=now, created_at=now,
                 updated_at=now)  # fmt: skip
    with unit_of_work(worker.engine) as session:
        session.add(row)
        session.flush()
        return int(row.id)


def row(worker, row_id: int) -> Outbox:
    with unit_of_work(worker.engine) as session:
        return session.exec(select(Outbox).where(Outbox.id == row_id)).one()


def body(kind: str, crm: str) -> dict[str, Any]:
    external = CONTACT if crm == "hubspot" else LEAD
    result = decision_body(kind, external_id=external, source=crm)
    result["data"]["handoff"]["owner"]["slack_id"] = f.ANA
    return result


def test_an_accept_reaches_each_crm_once_with_the_configured_values(
    crm_worker, hubspot, salesforce
):
    hs = enqueue(crm_worker, "hubspot", body("handoff.accepted", "hubspot"))
    sf = enqueue(crm_worker, "salesforce", body("handoff.accepted", "salesforce"))
    assert crm_worker.run_once() == 2
    assert row(crm_worker, hs).status == OUT_DONE and row(crm_worker, sf).status == OUT_DONE
    contact = hubspot.contact(CONTACT)
    assert (contact["hs_lead_status"], contact["hubspot_owner_id"]) == ("IN_PROGRESS", "51234567")
    assert len(hubspot.notes_of(CONTACT)) == 1
    lead = salesforce.lead(LEAD)
    assert (lead["Status"], lead["OwnerId"]) == ("Working - Contacted", "0055e000001AbCdEAF")
    [task] = salesforce.tasks_of(LEAD)
    assert task["Subject"] == f"Handshake: Accepted [hs-{sf}]"
    with unit_of_work(crm_worker.engine) as session:
        events = session.exec(select(Event).where(Event.kind == "delivered")).all()
    assert sorted(e.data["crm"] for e in events) == ["hubspot", "salesforce"]
    assert crm_worker.run_once() == 0  # nothing is written twice


def test_a_task_whose_answer_was_lost_is_not_created_twice(crm_worker, salesforce, clock):
    salesforce.recorder.add_fault("POST", "/services/data/v60.0/sobjects/Task", delay=3.0,
                                  apply_after=True)  # fmt: skip
    sf = enqueue(crm_worker, "salesforce", body("handoff.rejected", "salesforce"))
    crm_worker.run_once()
    first = row(crm_worker, sf)
    assert first.status == OUT_PENDING and first.maybe_sent is True
    clock.advance(seconds=5)
    crm_worker.run_once()
    assert row(crm_worker, sf).status == OUT_DONE
    assert len(salesforce.tasks_of(LEAD)) == 1
    assert salesforce.lead(LEAD)["Handshake_Reason__c"] == "R-DATA: Bad or unverifiable data"


def test_a_note_whose_answer_was_lost_is_not_created_twice(crm_worker, hubspot, clock):
    hubspot.recorder.add_fault("POST", "/crm/v3/objects/notes", delay=3.0, apply_after=True)
    hs = enqueue(crm_worker, "hubspot", body("handoff.handed_back", "hubspot"))
    crm_worker.run_once()
    assert row(crm_worker, hs).maybe_sent is True
    clock.advance(seconds=5)
    crm_worker.run_once()
    assert row(crm_worker, hs).status == OUT_DONE
    assert len(hubspot.notes_of(CONTACT)) == 1


def test_429_waits_for_retry_after(crm_worker, hubspot, clock):
    crm_worker = dataclasses.replace(crm_worker, lane=LANE_CRM)  # as `serve` runs these jobs
    crm_worker.http = httpx.Client(timeout=2.0)  # type: ignore[attr-defined]
    hubspot.recorder.add_fault("PATCH", "/crm/v3/objects/contacts", status=429, retry_after=30,
                               body={"status": "error", "message": "slow down",
                                     "category": "RATE_LIMITS"})  # fmt: skip
    hs = enqueue(crm_worker, "hubspot", body("handoff.rejected", "hubspot"))
    crm_worker.run_once()
    waiting = row(crm_worker, hs)
    assert waiting.status == OUT_PENDING
    assert (waiting.next_attempt_at - clock()).total_seconds() == pytest.approx(30)
    assert "RATE_LIMITS: slow down" in waiting.last_error
    counted = crm_worker.metrics.registry.get_sample_value(
        "handshake_rate_limited_total", {"method": "hubspot"}
    )
    assert counted == 1  # a vendor's 429 shows in /metrics like Slack's
    clock.advance(seconds=30)
    crm_worker.run_once()
    assert row(crm_worker, hs).status == OUT_DONE


def test_a_refusal_fails_the_row_with_the_vendors_message(crm_worker, salesforce):
    salesforce.lead_fields = {"Status", "OwnerId"}
    sf = enqueue(crm_worker, "salesforce", body("handoff.rejected", "salesforce"))
    crm_worker.run_once()
    failed = row(crm_worker, sf)
    assert failed.status == OUT_FAILED
    assert "INVALID_FIELD Handshake_Reason__c: No such column" in failed.last_error


def test_a_missing_secret_fails_the_row_naming_the_key(crm_worker, monkeypatch):
    monkeypatch.delenv("HUBSPOT_TOKEN")
    hs = enqueue(crm_worker, "hubspot", body("handoff.rejected", "hubspot"))
    crm_worker.run_once()
    failed = row(crm_worker, hs)
    assert failed.status == OUT_FAILED
    assert failed.last_error == (
        "crm.hubspot.token_env: the environment variable HUBSPOT_TOKEN is not set "
        "(secrets live in the environment)"
    )


def test_a_lead_from_another_source_is_left_alone(crm_worker, hubspot):
    hs = enqueue(crm_worker, "hubspot", body("handoff.rejected", "salesforce"))
    crm_worker.run_once()
    assert row(crm_worker, hs).status == OUT_DONE
    assert hubspot.recorder.calls == []
