"""Every event type, emitted by the flow where it happens, matches its published JSON
Schema (docs/webhooks/<type>.json), and the body is the snapshot that gets signed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema

from bot.config.webhooks import EVENT_TYPES, PING
from bot.integrations.events import ping_body
from bot.services.decisions import ACCEPT, HANDBACK, REJECT, decide
from bot.services.dispute_rulings import OVERTURN, rule
from bot.services.disputes import open_dispute
from bot.services.reassign_picker import open_picker, pick
from bot.services.sla_actions import record_touch
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from tests import factories as f
from tests.bot.webhooks.conftest import webhook_rows

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "webhooks"
# The SDR → AE stage's events need routing.first_line sdr: test_meeting_webhooks.py emits
# and checks them; the flow below emits every other event type.
MEETING_EVENTS = ("meeting.booked", "meeting.accepted", "meeting.sent_back", "meeting.rejected")


def schema(event_type: str) -> dict:
    return json.loads((SCHEMAS / f"{event_type}.json").read_text())


def test_every_event_type_has_a_valid_schema():
    for event_type in (*EVENT_TYPES, PING):
        jsonschema.Draft202012Validator.check_schema(schema(event_type))
    assert {p.stem for p in SCHEMAS.glob("*.json")} == {*EVENT_TYPES, PING}


def test_every_emitted_payload_matches_its_schema(bot, clock, runtime):
    # lead.routed ×n, lead.nurtured
    assert bot.post_lead(f.lead_body(score=10, activities=[])).json()["status"] == "nurture"
    accepted, rejected, back, touched, reassigned, disputed = (
        f.routed_handoff(bot).handoff for _ in range(6)
    )
    decide(accepted.id, accepted.owner_id, ACCEPT, runtime=runtime, note="Call booked <soon>")
    decide(rejected.id, rejected.owner_id, REJECT, runtime=runtime, reason_code="R-ICP")
    decide(
        back.id,
        back.owner_id,
        HANDBACK,
        runtime=runtime,
        reason_code="N-TIMING",
        revisit_on=date(2026, 12, 15),
    )
    decide(touched.id, touched.owner_id, ACCEPT, runtime=runtime)
    record_touch(touched.id, touched.owner_id, "meeting_booked", runtime=runtime)
    offer = open_picker(reassigned.id, f.MAYA, runtime=runtime).form
    assert offer is not None  # the manager's Reassign picker, then the pick
    pick(reassigned.id, f.MAYA, offer.offered[0].slack_id, runtime=runtime, actor_name="Maya")
    decide(disputed.id, disputed.owner_id, REJECT, runtime=runtime, reason_code="R-DATA")
    opened = open_dispute(disputed.id, f.MIA, "A buyer", runtime=runtime)  # handoff.disputed
    rule(opened.dispute.id, f.MAYA, OVERTURN, runtime=runtime)  # dispute.settled
    clock.advance(hours=9)  # past escalate_after for what is still pending
    bot.tick()
    clock.advance(days=30)  # the handed-back lead comes back
    with_body = webhook_rows(runtime)
    lead_of_back = next(r.payload for r in with_body if r.payload["event"] == "handoff.handed_back")
    original = json.loads(lead_of_back["json"])["data"]["lead"]
    again = bot.post_lead(f.lead_body(external_id=original["external_id"], email=original["email"]))
    assert again.json()["status"] == "routed"

    seen: dict[str, int] = {}
    for row in webhook_rows(runtime):
        body = json.loads(row.payload["json"])
        assert body["type"] == row.payload["event"]
        jsonschema.validate(body, schema(body["type"]), format_checker=jsonschema.FormatChecker())
        seen[body["type"]] = seen.get(body["type"], 0) + 1
    assert set(seen) == set(EVENT_TYPES) - set(MEETING_EVENTS)


def test_the_ping_matches_its_schema(clock):
    jsonschema.validate(ping_body(clock()), schema(PING))


def test_the_body_is_a_snapshot_that_later_changes_to_the_lead_do_not_touch(bot, runtime):
    body = f.lead_body(company="Acme Corp")
    lead_id = bot.post_lead(body).json()["id"]
    handoff = handoffs(runtime, lead_id)[-1]
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=runtime)
    assert bot.post_lead({**body, "company": "Acme Renamed"}).json()["status"] == "duplicate"
    (accepted,) = [r for r in webhook_rows(runtime) if r.payload["event"] == "handoff.accepted"]
    assert json.loads(accepted.payload["json"])["data"]["lead"]["company"] == "Acme Corp"


def handoffs(runtime, lead_id):
    with unit_of_work(runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)
