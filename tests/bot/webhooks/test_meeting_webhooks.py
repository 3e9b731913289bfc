"""The SDR → AE stage's events: `meeting.booked`, `.accepted`, `.sent_back`, `.rejected`
reach a webhook signed, with body["data"]["meeting"] carrying the SDR's answers, and each
matches its published schema (docs/webhooks/meeting.*.json)."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest

from bot.config import parse_config
from bot.config.webhooks import EVENT_TYPES
from bot.services import meeting_decisions as md
from bot.services.booking_form import Answer, Booking
from bot.services.decisions import ACCEPT, decide
from bot.services.meetings import RECORDED, book
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from tests import factories as f
from tests.bot.webhooks.conftest import SECRET, SECRET_ENV, webhook_rows
from tests.bot.webhooks.test_payload_schemas import MEETING_EVENTS, schema

REJECT_LABEL = "Not our customer profile (size, industry, geography)"
ANSWERS = {
    "VALUE": Answer("yes", "They run 40 depots"),
    "PROFIT": Answer("unsure", None),
    "COMPETE": Answer("no", "Incumbent is entrenched"),
}


@pytest.fixture
def config(receiver, events):
    hook = {"url": receiver.url, "secret_env": SECRET_ENV}
    if events is not None:
        hook["events"] = events
    data = f.config_data(webhooks=[hook], routing={"first_line": "sdr"})
    return parse_config(data, environ={SECRET_ENV: SECRET})


def accepted_handoff(bot, runtime):
    routed = f.routed_handoff(bot)
    handoff = routed.handoff
    assert handoff.owner_id == f.SAM
    decide(handoff.id, f.SAM, ACCEPT, runtime=runtime)
    return handoff


def booked(runtime, handoff, ae=f.ANA):
    at = runtime.clock() + timedelta(days=1)
    booking = Booking(at, ae, ANSWERS, note="CFO joins", suggested=f.ANA, rule="round_robin")
    outcome = book(handoff.id, f.SAM, booking, runtime=runtime)
    assert outcome.result == RECORDED
    return outcome.meeting


def test_every_meeting_event_reaches_the_webhook_with_the_answers(bot, runtime, hooks, receiver):
    assert set(MEETING_EVENTS) <= set(EVENT_TYPES)
    first = accepted_handoff(bot, runtime)
    sent = booked(runtime, first)
    md.decide_meeting(
        sent.id, f.ANA, md.SEND_BACK, runtime=runtime, failed_criterion="COMPETE", note="Who?"
    )
    again = booked(runtime, first, ae=f.BEN)
    md.decide_meeting(again.id, f.BEN, md.ACCEPT, runtime=runtime)
    second = accepted_handoff(bot, runtime)
    rejected = booked(runtime, second)
    md.decide_meeting(rejected.id, f.MAYA, md.REJECT, runtime=runtime, reason_code="R-ICP")

    meeting_rows = [r for r in webhook_rows(runtime) if r.payload["event"].startswith("meeting.")]
    bodies = [json.loads(r.payload["json"]) for r in meeting_rows]
    for body in bodies:
        jsonschema.validate(body, schema(body["type"]), format_checker=jsonschema.FormatChecker())
    assert [b["type"] for b in bodies] == [
        "meeting.booked",
        "meeting.sent_back",
        "meeting.booked",
        "meeting.accepted",
        "meeting.booked",
        "meeting.rejected",
    ]
    booked_body = bodies[0]["data"]
    assert booked_body["handoff"]["id"] == first.id
    assert booked_body["lead"]["id"] == first.lead_id
    meeting = booked_body["meeting"]
    assert meeting["sdr"] == {"slack_id": f.SAM, "email": "sam@example.com", "name": "Sam Diaz"}
    assert meeting["ae"]["slack_id"] == f.ANA and meeting["ae_rule"] == "round_robin"
    assert meeting["answers"] == [
        {
            "code": "VALUE",
            "question": "Can we demonstrate sufficient value?",
            "answer": "yes",
            "comment": "They run 40 depots",
        },
        {
            "code": "PROFIT",
            "question": "Can we deliver with profit?",
            "answer": "unsure",
            "comment": None,
        },
        {
            "code": "COMPETE",
            "question": "Can we compete?",
            "answer": "no",
            "comment": "Incumbent is entrenched",
        },
    ]
    assert (meeting["status"], meeting["note"], meeting["decided_at"]) == (
        "pending",
        "CFO joins",
        None,
    )
    back = bodies[1]["data"]["meeting"]
    assert (back["status"], back["failed_criterion"], back["decision_note"]) == (
        "sent_back",
        "COMPETE",
        "Who?",
    )
    assert back["decided_by"]["slack_id"] == f.ANA and back["decided_at"].endswith("Z")
    assert bodies[2]["data"]["meeting"]["id"] != back["id"]  # booked again: a new meeting
    assert bodies[3]["data"]["meeting"]["ae"]["slack_id"] == f.BEN
    reject = bodies[5]["data"]["meeting"]
    assert reject["reason"] == {"code": "R-ICP", "label": REJECT_LABEL}
    assert reject["decided_by"]["slack_id"] == f.MAYA

    for _ in range(4):
        hooks.run_once()
    for lead_id in (first.lead_id, second.lead_id):  # in order for each lead
        delivered = [
            e["type"]
            for e in receiver.effects
            if e["type"].startswith("meeting.") and e["data"]["lead"]["id"] == lead_id
        ]
        sent = [b["type"] for b in bodies if b["data"]["lead"]["id"] == lead_id]
        assert delivered == sent and sent
    assert all(d.verified for d in receiver.deliveries)


@pytest.mark.parametrize("events", [["meeting.accepted"]])
def test_a_webhook_hears_only_the_meeting_events_it_asked_for(bot, runtime, events):
    handoff = accepted_handoff(bot, runtime)
    meeting = booked(runtime, handoff)
    md.decide_meeting(meeting.id, f.ANA, md.ACCEPT, runtime=runtime)
    assert [r.payload["event"] for r in webhook_rows(runtime)] == ["meeting.accepted"]
    with unit_of_work(runtime.engine) as session:
        assert handoffs_for_lead(handoff.lead_id, session=session)[-1].status == "accepted"
