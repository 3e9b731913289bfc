"""Test data: the roster, config and lead bodies used across the suite, and a routed
hand-off (`routed_handoff`)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from storage.models import Handoff

ANA, BEN, CARA = "U0AE00001", "U0AE00002", "U0AE00003"
SAM = "U0SDR0001"
EVE = "U0AE00004"
MAYA, MAX = "U0MGR0001", "U0MGR0002"
MIA = "U0MKT0001"
ADA = "U0ADM0001"
CHANNEL = "C0HANDOFF1"

PEOPLE: list[dict[str, Any]] = [
    {
        "slack_id": ANA,
        "name": "Ana Alvarez",
        "email": "ana@example.com",
        "role": "ae",
        "team": "enterprise",
    },
    {
        "slack_id": BEN,
        "name": "Ben Brooks",
        "email": "ben@example.com",
        "role": "ae",
        "team": "enterprise",
    },
    {
        "slack_id": CARA,
        "name": "Cara Chen",
        "email": "cara@example.com",
        "role": "ae",
        "team": "enterprise",
    },
    {
        "slack_id": SAM,
        "name": "Sam Diaz",
        "email": "sam@example.com",
        "role": "sdr",
        "team": "enterprise",
    },
    {
        "slack_id": EVE,
        "name": "Eve Evans",
        "email": "eve@example.com",
        "role": "ae",
        "team": "emea",
    },
    {
        "slack_id": MAYA,
        "name": "Maya Moreau",
        "email": "maya@example.com",
        "role": "manager",
        "team": "enterprise",
    },
    {
        "slack_id": MAX,
        "name": "Max Mueller",
        "email": "max@example.com",
        "role": "manager",
        "team": "emea",
    },
    {"slack_id": MIA, "name": "Mia Marketer", "email": "mia@example.com", "role": "marketer"},
    {"slack_id": ADA, "name": "Ada Admin", "email": "ada@example.com", "role": "admin"},
]

CONFIG: dict[str, Any] = {
    "handoff_channel": CHANNEL,
    "timezone": "UTC",
    "people": PEOPLE,
    "teams": [
        {"name": "enterprise", "manager": MAYA, "countries": ["US", "CA"]},
        {"name": "emea", "manager": MAX, "countries": ["DE", "FR", "GB"]},
    ],
    "contract": {
        "version": "2026-11",
        "min_score": 60,
        "signals": [
            {"name": "Visited pricing", "activity": "page_view", "detail_contains": "/pricing"},
            {"name": "15+ minutes on site", "activity": "session", "min_duration_s": 900},
            {"name": "Requested a demo", "activity": "demo_request", "qualifies": True},
        ],
    },
    "sla": {
        "respond_within": "4h",
        "escalate_after": "8h",
        "reassign_after": "24h",
        "follow_up_within": "2d",
    },
    # The suite checks the full channel card's content; the compact form (the shipped
    # default) has its own tests (tests/e2e/test_reassign_card.py, test_views_compact_card).
    "channel": {"card": "full"},
}

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon


# Business hours Monday to Friday, 09:00 to 18:00 (in the config's or a person's zone).
OFFICE_HOURS: dict[str, Any] = {
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "start": "09:00",
    "end": "18:00",
}


def config_data(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(CONFIG)
    data.update(overrides)
    return data


class FakeClock:
    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


_counter = iter(range(1, 10**9))


def lead_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "external_id": f"crm-{n}",
        "email": f"jordan{n}@acme.example",
        "source": "hubspot",
        "first_name": "Jordan",
        "last_name": "Lee",
        "title": "VP Operations",
        "company": "Acme Corp",
        "company_domain": f"acme{n}.example",
        "country": "US",
        "industry": "Logistics",
        "employees": 1200,
        "score": 75,
        "campaign": "Q4 webinar",
        "activities": [
            {"type": "page_view", "detail": "/pricing", "at": "2026-11-22T10:00:00Z"},
            {
                "type": "session",
                "detail": "site visit",
                "duration_s": 1300,
                "at": "2026-11-22T10:05:00Z",
            },
        ],
        "notes": "Asked about SSO.",
        "crm_url": f"https://crm.example/leads/{n}",
    }
    body.update(overrides)
    return body


@dataclass(frozen=True)
class Routed:
    answer: dict[str, Any]  # intake's 202 body: id (the lead's), status "routed", owner
    handoff: Handoff  # the lead's latest hand-off, as stored once routed (and delivered)

    @property
    def lead_id(self) -> int:
        return int(self.answer["id"])


def routed_handoff(bot: Any, *, deliver: bool = True, **overrides: Any) -> Routed:
    """A lead (`lead_body(**overrides)`) sent to `bot`'s intake, which must answer `202
    routed`; its cards delivered unless `deliver=False`; and its hand-off as stored."""
    response = bot.post_lead(lead_body(**overrides))
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["status"] == "routed", response.text
    if deliver:
        bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        handoff = handoffs_for_lead(answer["id"], session=session)[-1]
    return Routed(answer, handoff)
