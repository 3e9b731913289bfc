"""Stand-in CRMs served over HTTP on localhost (fixtures), and decision event bodies to write
back. Imported by the conftest here and by tests/bot/test_crm_jobs.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from bot.config.crm import HubSpotConfig, SalesforceConfig
from standins.hubspot import HubSpotState
from standins.salesforce import SalesforceState
from standins.serve import serve_hubspot, serve_salesforce


class _EverySecretSet(Mapping[str, str]):
    """An environment where every variable is set: to build one CRM section on its own
    (the secrets themselves are handed to the clients directly)."""

    def __getitem__(self, key: str) -> str:
        return "set"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def hubspot_settings(**fields: Any) -> HubSpotConfig:
    return HubSpotConfig.model_validate(fields, context={"environ": _EverySecretSet()})


def salesforce_settings(**fields: Any) -> SalesforceConfig:
    return SalesforceConfig.model_validate(fields, context={"environ": _EverySecretSet()})


CONTACT = "51"
LEAD = "00Q5e00000AbCdEAAZ"


def decision_body(
    kind: str = "handoff.rejected",
    *,
    external_id: str = CONTACT,
    source: str = "hubspot",
    **decision: Any,
) -> dict[str, Any]:
    outcome = kind.removeprefix("handoff.")
    fields = {
        "outcome": outcome,
        "reason_code": "R-DATA" if outcome != "accepted" else None,
        "reason_label": "Bad or unverifiable data" if outcome != "accepted" else None,
        "note": "Email bounces" if outcome != "accepted" else None,
        "revisit_on": None,
        "decided_by": {"slack_id": "U0AE00001", "name": "Ana Alvarez"},
    } | decision
    return {
        "type": kind,
        "timestamp": "2026-11-03T14:05:00Z",
        "data": {
            "lead": {"id": 7, "external_id": external_id, "source": source,
                     "email": "jordan@acme.example"},
            "handoff": {"id": 9, "status": outcome,
                        "owner": {"slack_id": "U0AE00001", "email": "ana@example.com",
                                  "name": "Ana Alvarez"}},
            "decision": fields,
        },
    }  # fmt: skip


SAM_PERSON = {"slack_id": "U0SDR0001", "email": "sam@example.com", "name": "Sam Diaz"}
ANA_PERSON = {"slack_id": "U0AE00001", "email": "ana@example.com", "name": "Ana Alvarez"}
ANSWERS = [
    {"code": "VALUE", "question": "Can we demonstrate sufficient value?", "answer": "yes",
     "comment": "Cuts onboarding in half"},
    {"code": "PROFIT", "question": "Can we deliver with profit?", "answer": "unsure",
     "comment": None},
    {"code": "COMPETE", "question": "Can we compete?", "answer": "no",
     "comment": "Incumbent <Initech> & a 3-year deal"},
]  # fmt: skip
MEETING_DECISIONS: dict[str, dict[str, Any]] = {
    "meeting.booked": {"status": "pending"},
    "meeting.accepted": {"status": "accepted", "decision_note": "Strong fit"},
    "meeting.sent_back": {"status": "sent_back", "failed_criterion": "PROFIT",
                          "decision_note": "Ask about budget"},
    "meeting.rejected": {"status": "rejected", "reason": {"code": "R-ICP",
                         "label": "Not our profile"}, "decision_note": None},
}  # fmt: skip


def meeting_data(kind: str = "meeting.booked", **overrides: Any) -> dict[str, Any]:
    """`data.meeting` as shared13.md describes it (FLOW's `meeting_data`), by hand."""
    decided = kind != "meeting.booked"
    fields = {
        "id": 3, "sdr": SAM_PERSON, "ae": ANA_PERSON, "meeting_at": "2026-11-24T15:00:00Z",
        "criteria_version": "2026-11", "answers": ANSWERS, "note": "CFO joins the call",
        "status": "pending", "decided_at": "2026-11-24T17:30:00Z" if decided else None,
        "decided_by": ANA_PERSON if decided else None, "failed_criterion": None,
        "reason": None, "decision_note": None,
    }  # fmt: skip
    return fields | MEETING_DECISIONS[kind] | overrides


def meeting_body(
    kind: str = "meeting.booked",
    *,
    external_id: str = CONTACT,
    source: str = "hubspot",
    **meeting: Any,
) -> dict[str, Any]:
    """A meeting event's body: the usual snapshot (the SDR's hand-off) and `data.meeting`."""
    return {
        "type": kind,
        "timestamp": "2026-11-24T17:30:00Z",
        "data": {
            "lead": {"id": 7, "external_id": external_id, "source": source,
                     "email": "jordan@acme.example"},
            "handoff": {"id": 9, "status": "accepted", "owner": SAM_PERSON},
            "decision": None,
            "meeting": meeting_data(kind, **meeting),
        },
    }  # fmt: skip


@pytest.fixture
def hubspot():
    state = HubSpotState()
    state.add_contact(CONTACT, email="jordan@acme.example", hs_lead_status="NEW")
    with serve_hubspot(state) as server:
        state.url = server.url  # type: ignore[attr-defined]
        yield state


@pytest.fixture
def salesforce():
    state = SalesforceState()
    state.add_lead(LEAD, Status="Open - Not Contacted", Email="jordan@acme.example")
    with serve_salesforce(state) as server:
        state.url = server.url  # type: ignore[attr-defined]
        yield state


@pytest.fixture
def http():
    # Room for a loaded CI machine; the timeout-after-success tests delay past it (3 s).
    with httpx.Client(timeout=2.0) as client:
        yield client
