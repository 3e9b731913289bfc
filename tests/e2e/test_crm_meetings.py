"""The SDR → AE stage's events out to the CRMs end to end: a lead comes in through intake,
`outgoing.emit` queues each meeting event (as FLOW's service will, with `data.meeting`
built by hand here in the shape of shared13.md) on the crm lane, and the crm lane's worker
(as `serve` builds it) writes one note and one Task per event to the stand-in CRM the lead
came from, once; a lead from no CRM of record queues nothing."""

from __future__ import annotations

import pytest

from bot.services.outgoing import emit
from storage.db import unit_of_work
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import OUT_DONE
from tests import factories as f
from tests.bot.integrations.standins import CONTACT, LEAD, hubspot, meeting_data, salesforce
from tests.e2e.test_crm_write_back import HUBSPOT_OWNER, SALESFORCE_OWNER, config, crm, crm_rows

__all__ = ["config", "crm", "hubspot", "salesforce"]  # the fixtures

KINDS = ("meeting.booked", "meeting.sent_back", "meeting.booked", "meeting.accepted")


def emit_meeting(bot, handoff_id: int, lead_id: int, kind: str) -> int:
    rt = bot.runtime
    with unit_of_work(rt.engine) as session:
        lead = get_lead(lead_id, session=session)
        handoff = get_handoff(handoff_id, session=session)
        assert lead is not None and handoff is not None
        meeting = meeting_data(kind, ae={"slack_id": f.ANA, "name": "Ana Alvarez",
                                         "email": "ana@example.com"})  # fmt: skip
        return emit(kind, session=session, config=rt.config, now=rt.clock(), lead=lead,
                    handoff=handoff, extra={"meeting": meeting})  # fmt: skip


@pytest.mark.parametrize("source", ["hubspot", "salesforce"])
def test_each_meeting_event_is_written_back_once(bot, crm, hubspot, salesforce, source):
    external = CONTACT if source == "hubspot" else LEAD
    routed = f.routed_handoff(bot, source=source, external_id=external)
    other = f.routed_handoff(bot, source="api")  # no CRM of record
    for kind in KINDS:  # booked, sent back, booked again, accepted
        assert emit_meeting(bot, routed.handoff.id, routed.lead_id, kind) == 1
        assert emit_meeting(bot, other.handoff.id, other.lead_id, kind) == 0
    rows = crm_rows(bot.runtime)
    assert [(r.kind, r.payload["event"]) for r in rows] == [(source, kind) for kind in KINDS]
    assert crm.run_once() == 4
    assert crm.run_once() == 0  # nothing twice
    assert all(r.status == OUT_DONE for r in crm_rows(bot.runtime))
    if source == "hubspot":
        written = [n["hs_note_body"] for n in hubspot.notes_of(CONTACT)]
        assert hubspot.contact(CONTACT)["hubspot_owner_id"] == HUBSPOT_OWNER
        assert hubspot.contact(CONTACT)["hs_lead_status"] == "NEW"
    else:
        written = [t["Subject"] + "\n" + t["Description"] for t in salesforce.tasks_of(LEAD)]
        assert salesforce.lead(LEAD)["OwnerId"] == SALESFORCE_OWNER
        assert salesforce.lead(LEAD)["Status"] == "Open - Not Contacted"
    assert len(written) == 4
    labels = ["Meeting booked", "Meeting sent back to the SDR", "Meeting booked",
              "Meeting accepted into pipeline"]  # fmt: skip
    for text, label, outbox in zip(written, labels, rows, strict=True):
        assert f"Handshake: {label}" in text and f"[hs-{outbox.id}]" in text
        assert "2026-11-24 15:00 UTC" in text and "Ana Alvarez" in text
    assert "Failed criterion: PROFIT" in written[1]
