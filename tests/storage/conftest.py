"""Rows written straight into the database, for the storage query tests: a lead, a
hand-off and a meeting, with overrides (the routed-through-intake kind is
`factories.routed_handoff`)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from sqlmodel import Session

from storage.accounts import account_domain
from storage.models import ACCEPTED, LEAD_ACCEPTED, LEAD_ROUTED, PENDING, Handoff, Lead, Meeting
from tests import factories as f

_n = count(1)


def make_lead(session: Session, **overrides: Any) -> Lead:
    n = next(_n)
    fields: dict[str, Any] = {
        "source": "hubspot",
        "external_id": f"crm-{n}",
        "email": f"lead{n}@acme.example",
        "first_name": "Jordan",
        "last_name": f"Lee{n}",
        "company": "Acme",
        "campaign": "Q4 webinar",
        "status": LEAD_ROUTED,
        "created_at": f.START,
        "updated_at": f.START,
    }
    fields = {**fields, **overrides}
    key = account_domain(fields.get("company_domain"), fields["email"])
    fields.setdefault("account_domain", key)
    lead = Lead(**fields)
    session.add(lead)
    session.flush()
    return lead


def make_handoff(session: Session, lead: Lead | None = None, **overrides: Any) -> Handoff:
    """A hand-off of `lead` (a new one by default) to Ana, created at START, due 4h later."""
    lead = lead or make_lead(session)
    created = overrides.pop("created_at", f.START)
    fields: dict[str, Any] = {
        "lead_id": lead.id,
        "owner_id": f.ANA,
        "team": "enterprise",
        "rule": "round_robin",
        "contract_version": "test",
        "status": PENDING,
        "created_at": created,
        "due_at": created + timedelta(hours=4),
    }
    handoff = Handoff(**{**fields, **overrides})
    session.add(handoff)
    session.flush()
    return handoff


def make_meeting(session: Session, handoff: Handoff | None = None, **overrides: Any) -> Meeting:
    """A meeting Sam (SDR) booked for Ana (AE) on `handoff` (by default a new hand-off to
    Sam, accepted), taking place a day after START, due a day after that, with Yes to the
    three default criteria."""
    if handoff is None:
        lead = make_lead(session, status=LEAD_ACCEPTED)
        handoff = make_handoff(session, lead, owner_id=f.SAM, status=ACCEPTED, decided_by=f.SAM)
    meeting_at = overrides.pop("meeting_at", f.START + timedelta(days=1))
    fields: dict[str, Any] = {
        "handoff_id": handoff.id,
        "lead_id": handoff.lead_id,
        "sdr_id": handoff.owner_id,
        "ae_id": f.ANA,
        "ae_rule": "round_robin",
        "meeting_at": meeting_at,
        "criteria_version": "default",
        "answers": [
            {"code": code, "answer": "yes", "comment": None}
            for code in ("VALUE", "PROFIT", "COMPETE")
        ],
        "created_at": f.START,
        "due_at": meeting_at + timedelta(hours=24),
    }
    meeting = Meeting(**{**fields, **overrides})
    session.add(meeting)
    session.flush()
    return meeting


@pytest.fixture
def now():
    return f.START
