"""Rows written straight into the database, for the storage query tests: a lead and a
hand-off with overrides (the routed-through-intake kind is `factories.routed_handoff`)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from sqlmodel import Session

from storage.models import LEAD_ROUTED, PENDING, Handoff, Lead
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
    lead = Lead(**{**fields, **overrides})
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


@pytest.fixture
def now():
    return f.START
