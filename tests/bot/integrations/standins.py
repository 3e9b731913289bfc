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
    with httpx.Client(timeout=0.5) as client:
        yield client
