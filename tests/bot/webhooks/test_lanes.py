"""The wiring: one worker and thread per lane, woken together; CRM rows' registration."""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlmodel import select

from bot.server import build_service
from bot.services.decisions import ACCEPT, decide
from bot.services.outgoing import CRM_EVENTS, crm_destinations
from bot.settings import Settings
from storage.db import unit_of_work
from storage.models import LANE_CRM, LANE_SLACK, LANE_WEBHOOK, Outbox
from tests import factories as f
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


def test_serve_runs_one_worker_per_lane_and_a_commit_wakes_them_all(engine, config, slack):
    settings = Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        HANDSHAKE_DELIVERY="thread",
    )
    service = build_service(settings, config, engine=engine)
    lanes = {t.worker.lane: t for t in service.lanes}
    assert set(lanes) == {LANE_SLACK, LANE_WEBHOOK, LANE_CRM}
    assert lanes[LANE_SLACK].worker.client is not None and lanes[LANE_SLACK].worker.http is None
    for lane in (LANE_WEBHOOK, LANE_CRM):
        assert lanes[lane].worker.client is None and lanes[lane].worker.http is not None
    service.runtime.wake()
    assert all(t._wake.is_set() for t in service.lanes)
    service.start_background()
    service.stop_background()
    assert all(t.stopped for t in service.lanes)
    assert all(t.worker.http is None or t.worker.http.is_closed for t in service.lanes)


def test_decisions_go_to_the_crms_whose_sources_include_the_leads():
    crm = SimpleNamespace(
        hubspot=SimpleNamespace(sources=["hubspot"]),
        salesforce=SimpleNamespace(sources=["salesforce", "hubspot"]),
    )
    config = SimpleNamespace(crm=crm, webhooks=[])
    for event in CRM_EVENTS:
        assert crm_destinations(config, event, "hubspot") == ["hubspot", "salesforce"]
        assert crm_destinations(config, event, "salesforce") == ["salesforce"]
        assert crm_destinations(config, event, "api") == []
    assert crm_destinations(config, "lead.routed", "hubspot") == []
    assert (
        crm_destinations(SimpleNamespace(crm=None, webhooks=[]), "handoff.accepted", "hubspot")
        == []
    )
    none_set = SimpleNamespace(crm=SimpleNamespace(hubspot=None, salesforce=None))
    assert crm_destinations(none_set, "handoff.accepted", "hubspot") == []


def test_a_decision_queues_one_crm_row_per_crm_with_the_same_snapshot(bot, runtime):
    """The row shape the CRM jobs read: lane crm, kind and destination the CRM's name,
    payload {"event", "body"} with the body the webhooks get."""
    crm = SimpleNamespace(hubspot=SimpleNamespace(sources=["hubspot"]), salesforce=None)
    runtime.config = runtime.config.model_copy(update={"crm": crm})  # bot/config/crm.py's place
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=runtime, note="Booked")
    with unit_of_work(runtime.engine) as session:
        rows = list(session.exec(select(Outbox).where(Outbox.lane == LANE_CRM)).all())
        hooks = list(session.exec(select(Outbox).where(Outbox.lane == LANE_WEBHOOK)).all())
    (row,) = rows
    assert (row.kind, row.destination, row.lead_id, row.handoff_id) == (
        "hubspot",
        "hubspot",
        handoff.lead_id,
        handoff.id,
    )
    assert row.payload["event"] == "handoff.accepted"
    assert row.payload["body"]["data"]["decision"]["note"] == "Booked"
    (accepted,) = [h for h in hooks if h.payload["event"] == "handoff.accepted"]
    assert json.loads(accepted.payload["json"]) == row.payload["body"]
