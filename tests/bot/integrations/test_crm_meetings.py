"""The pure mapping of the SDR → AE stage's events (`meeting.*`) to a HubSpot note and a
Salesforce Task: the meeting's time, the AE, the answers as ✓ / ? / ✗, the decision with
its reason or failed criterion; no status written; the AE as owner on accept only."""

from __future__ import annotations

import html

import pytest

from bot.integrations.crm_mapping import NotADecision, hubspot_write, salesforce_write
from bot.integrations.crm_meetings import answer_line, when_text
from tests.bot.integrations.standins import (
    LEAD,
    hubspot_settings,
    meeting_body,
    salesforce_settings,
)

HS = hubspot_settings(token_env="HUBSPOT_TOKEN", properties={"reason": "handshake_reason"},
                      owner=True)  # fmt: skip
SF = salesforce_settings(instance_url="https://acme.my.salesforce.com", client_id_env="A",
                         client_secret_env="B", fields={"reason": "Handshake_Reason__c"},
                         owner=True)  # fmt: skip

COMMON = [
    "Meeting: 2026-11-24 15:00 UTC",
    "SDR: Sam Diaz",
    "AE: Ana Alvarez",
    "Criteria (2026-11):",
    "✓ Can we demonstrate sufficient value?: Cuts onboarding in half",
    "? Can we deliver with profit?",
    "✗ Can we compete?: Incumbent <Initech> & a 3-year deal",
    "SDR's note: CFO joins the call",
]
DECISIONS = {
    "meeting.booked": ("Handshake: Meeting booked by Sam Diaz", []),
    "meeting.accepted": (
        "Handshake: Meeting accepted into pipeline by Ana Alvarez",
        ["Decision: Meeting accepted into pipeline", "AE's note: Strong fit"],
    ),
    "meeting.sent_back": (
        "Handshake: Meeting sent back to the SDR by Ana Alvarez",
        [
            "Decision: Meeting sent back to the SDR",
            "Failed criterion: PROFIT (Can we deliver with profit?)",
            "AE's note: Ask about budget",
        ],
    ),
    "meeting.rejected": (
        "Handshake: Meeting rejected by Ana Alvarez",
        ["Decision: Meeting rejected", "Reason: R-ICP: Not our profile"],
    ),
}
SUBJECTS = {
    "meeting.booked": "Handshake: Meeting booked [hs-7]",
    "meeting.accepted": "Handshake: Meeting accepted into pipeline [hs-7]",
    "meeting.sent_back": "Handshake: Meeting sent back to the SDR [hs-7]",
    "meeting.rejected": "Handshake: Meeting rejected [hs-7]",
}


@pytest.mark.parametrize("kind", list(DECISIONS))
def test_salesforce_task_per_meeting_event(kind):
    body = meeting_body(kind, external_id=LEAD, source="salesforce")
    write = salesforce_write(body, SF, "0055e000001AbCdEAF", "hs-7")
    title, decision = DECISIONS[kind]
    assert write.lead_id == LEAD and write.key == "hs-7"
    owner = {"OwnerId": "0055e000001AbCdEAF"} if kind == "meeting.accepted" else {}
    assert write.fields == owner  # no Status, no reason field: the lead's status stays
    assert write.task == {
        "WhoId": LEAD,
        "Subject": SUBJECTS[kind],
        "Status": "Completed",
        "ActivityDate": "2026-11-24",
        "Description": "\n".join([title, *COMMON, *decision]),
        **owner,
    }


@pytest.mark.parametrize("kind", list(DECISIONS))
def test_hubspot_note_per_meeting_event(kind):
    write = hubspot_write(meeting_body(kind), HS, "51234567", "hs-7")
    title, decision = DECISIONS[kind]
    owner = {"hubspot_owner_id": "51234567"} if kind == "meeting.accepted" else {}
    assert write.contact_id == "51" and write.properties == owner
    assert write.note is not None
    lines = write.note["hs_note_body"].split("<br>")
    assert lines[0] == f"<b>{title}</b> [hs-7]"
    assert lines[7] == "✗ Can we compete?: Incumbent &lt;Initech&gt; &amp; a 3-year deal"
    assert lines[9:] == [html.escape(line) for line in decision]  # AE&#x27;s note
    assert write.note["hs_timestamp"] == "2026-11-24T17:30:00Z"
    assert write.note.get("hubspot_owner_id") == owner.get("hubspot_owner_id")


def test_nothing_but_the_note_or_task_and_neither_when_turned_off():
    plain_hs = hubspot_settings(token_env="T", notes=False)
    assert hubspot_write(meeting_body("meeting.accepted"), plain_hs, "5", "k").note is None
    assert hubspot_write(meeting_body("meeting.accepted"), plain_hs, "5", "k").properties == {}
    plain_sf = salesforce_settings(instance_url="https://x.my.salesforce.com", client_id_env="A",
                                   client_secret_env="B", tasks=False)  # fmt: skip
    body = meeting_body("meeting.rejected", external_id=LEAD)
    write = salesforce_write(body, plain_sf, "005", "k")
    assert (write.fields, write.task) == ({}, None)


def test_a_meeting_event_without_its_meeting_or_lead_is_refused():
    body = meeting_body("meeting.booked")
    del body["data"]["meeting"]
    with pytest.raises(NotADecision):
        hubspot_write(body, HS, None, "k")
    with pytest.raises(NotADecision):
        salesforce_write(meeting_body("meeting.accepted", external_id=""), SF, None, "k")


def test_answers_and_times_as_text():
    assert (
        answer_line({"code": "X", "answer": "no", "comment": "  two\nlines "}) == "✗ X: two lines"
    )
    assert answer_line({"code": "X", "question": "Q?", "answer": "odd"}) == "· Q?"
    assert when_text("2026-11-24T10:00:00-05:00") == "2026-11-24 15:00 UTC"
    assert when_text("soon") == "soon" and when_text(None) is None
