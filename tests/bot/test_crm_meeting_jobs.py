"""The SDR → AE stage's events through the real `hubspot` and `salesforce` jobs and delivery
worker, against the stand-in CRMs over HTTP: each event type leaves exactly one note or
Task with the meeting in it, the lead's status is left alone, the AE becomes the owner on
accept only, and a lost answer is not written twice."""

from __future__ import annotations

import pytest

from storage.models import OUT_DONE, OUT_PENDING
from tests.bot.integrations.standins import CONTACT, LEAD, hubspot, meeting_body, salesforce
from tests.bot.test_crm_jobs import crm_worker, enqueue, row

__all__ = ["crm_worker", "hubspot", "salesforce"]  # the fixtures

KINDS = ("meeting.booked", "meeting.sent_back", "meeting.rejected", "meeting.accepted")


def body(kind: str, crm: str) -> dict:
    if crm == "hubspot":
        return meeting_body(kind)
    return meeting_body(kind, external_id=LEAD, source="salesforce")


@pytest.mark.parametrize("kind", KINDS)
def test_each_meeting_event_reaches_each_crm_once(crm_worker, hubspot, salesforce, kind):
    hs = enqueue(crm_worker, "hubspot", body(kind, "hubspot"))
    sf = enqueue(crm_worker, "salesforce", body(kind, "salesforce"))
    assert crm_worker.run_once() == 2
    assert row(crm_worker, hs).status == OUT_DONE and row(crm_worker, sf).status == OUT_DONE
    assert crm_worker.run_once() == 0  # nothing twice

    [note] = hubspot.notes_of(CONTACT)
    assert f"[hs-{hs}]" in note["hs_note_body"]
    assert (
        "Meeting: 2026-11-24 15:00 UTC<br>SDR: Sam Diaz<br>AE: Ana Alvarez" in note["hs_note_body"]
    )
    assert "? Can we deliver with profit?" in note["hs_note_body"]
    [task] = salesforce.tasks_of(LEAD)
    assert task["Subject"].endswith(f"[hs-{sf}]") and "✓ Can we demonstrate" in task["Description"]
    contact, lead = hubspot.contact(CONTACT), salesforce.lead(LEAD)
    assert contact["hs_lead_status"] == "NEW" and lead["Status"] == "Open - Not Contacted"
    accepted = kind == "meeting.accepted"  # into Ana's pipeline: Ana owns it in the CRM
    assert contact.get("hubspot_owner_id") == ("51234567" if accepted else None)
    assert lead.get("OwnerId") == ("0055e000001AbCdEAF" if accepted else None)
    expected = {
        "meeting.booked": "Handshake: Meeting booked [hs-",
        "meeting.sent_back": "Failed criterion: PROFIT (Can we deliver with profit?)",
        "meeting.rejected": "Reason: R-ICP: Not our profile",
        "meeting.accepted": "AE's note: Strong fit",
    }[kind]
    assert expected in task["Subject"] + task["Description"]


def test_a_meeting_task_whose_answer_was_lost_is_not_created_twice(crm_worker, salesforce, clock):
    salesforce.recorder.add_fault("POST", "/services/data/v60.0/sobjects/Task", delay=3.0,
                                  apply_after=True)  # fmt: skip
    sf = enqueue(crm_worker, "salesforce", body("meeting.sent_back", "salesforce"))
    crm_worker.run_once()
    first = row(crm_worker, sf)
    assert first.status == OUT_PENDING and first.maybe_sent is True
    clock.advance(seconds=5)
    crm_worker.run_once()
    assert row(crm_worker, sf).status == OUT_DONE
    [task] = salesforce.tasks_of(LEAD)
    assert task["Subject"] == f"Handshake: Meeting sent back to the SDR [hs-{sf}]"


def test_a_meeting_note_whose_answer_was_lost_is_not_created_twice(crm_worker, hubspot, clock):
    hubspot.recorder.add_fault("POST", "/crm/v3/objects/notes", delay=3.0, apply_after=True)
    hs = enqueue(crm_worker, "hubspot", body("meeting.booked", "hubspot"))
    crm_worker.run_once()
    assert row(crm_worker, hs).maybe_sent is True
    clock.advance(seconds=5)
    crm_worker.run_once()
    assert row(crm_worker, hs).status == OUT_DONE
    assert len(hubspot.notes_of(CONTACT)) == 1
