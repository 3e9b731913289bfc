"""The insights go out: in the decision of handoff.* webhook payloads (matching the published
schema) and in the CRM note / Task text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from bot.integrations.crm_mapping import hubspot_write, salesforce_write
from bot.services.decisions import ACCEPT, HANDBACK, decide
from bot.services.sla_actions import record_touch
from tests import factories as f
from tests.bot.integrations.standins import hubspot_settings, salesforce_settings
from tests.bot.webhooks.conftest import webhook_rows

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "webhooks"
HUBSPOT = hubspot_settings(token_env="HUBSPOT_TOKEN")
SALESFORCE = salesforce_settings(
    instance_url="https://acme.my.salesforce.com",
    client_id_env="SF_CLIENT_ID",
    client_secret_env="SF_CLIENT_SECRET",
)
PICKED = {"persona": "executive", "decision_role": "gatekeeper", "objection": "timing"}


def payload(runtime, event):
    rows = [r.payload for r in webhook_rows(runtime) if r.payload["event"] == event]
    assert len(rows) == 1
    body = json.loads(rows[0]["json"])
    jsonschema.validate(body, json.loads((SCHEMAS / f"{event}.json").read_text()))
    return body


def test_hand_back_and_disqualify_payloads_carry_the_insights(bot, runtime):
    back, touched, plain = (f.routed_handoff(bot).handoff for _ in range(3))
    decide(
        back.id, back.owner_id, HANDBACK, runtime=runtime, reason_code="N-TIMING", insights=PICKED
    )
    decide(touched.id, touched.owner_id, ACCEPT, runtime=runtime)
    record_touch(
        touched.id,
        touched.owner_id,
        "disqualified",
        runtime=runtime,
        reason_code="D-NOFIT",
        insights={"decision_role": "user"},
    )
    insights = payload(runtime, "handoff.handed_back")["data"]["decision"]["insights"]
    assert insights == {
        "persona": {"code": "executive", "label": "Executive (C-level, VP)"},
        "decision_role": {"code": "gatekeeper", "label": "Gatekeeper"},
        "objection": {"code": "timing", "label": "Timing"},
    }
    touched_body = payload(runtime, "handoff.touched")
    assert touched_body["data"]["decision"]["insights"] == {
        "persona": None,
        "decision_role": {"code": "user", "label": "User"},
        "objection": None,
    }
    accepted = payload(runtime, "handoff.accepted")["data"]["decision"]["insights"]
    assert accepted == {"persona": None, "decision_role": None, "objection": None}
    assert plain.id  # the third stays pending: no decision payload


def _body(insights, external_id="501"):
    return {
        "type": "handoff.handed_back",
        "timestamp": "2026-11-23T14:00:00Z",
        "data": {
            "lead": {"external_id": external_id},
            "handoff": {"owner": {"slack_id": f.ANA}},
            "decision": {
                "outcome": "handed_back",
                "reason_code": "N-TIMING",
                "reason_label": "Timing",
                "decided_by": {"name": "Ana"},
                "insights": insights,
            },
        },
    }


def test_crm_note_and_task_carry_the_insights():
    insights = {
        "persona": {"code": "it", "label": "IT or engineering"},
        "decision_role": {"code": "influencer", "label": "Influencer"},
        "objection": None,
    }
    hubspot = hubspot_write(_body(insights), HUBSPOT, None, "hs-1")
    assert hubspot.note is not None
    note = hubspot.note["hs_note_body"]
    assert "Persona: IT or engineering" in note and "Decision role: Influencer" in note
    assert "Objection" not in note
    salesforce = salesforce_write(
        _body(insights, "00Q5e00000AbCdE"),  # a Salesforce Lead's id
        SALESFORCE,
        None,
        "hs-1",
    )
    assert salesforce.task is not None
    assert "Decision role: Influencer" in salesforce.task["Description"]
    bare = hubspot_write(_body(None), HUBSPOT, None, "hs-2")
    assert "Persona" not in (bare.note or {}).get("hs_note_body", "")
