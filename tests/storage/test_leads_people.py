"""storage.leads and storage.people: lookups, account ownership, the capacity count."""

from __future__ import annotations

from datetime import date, timedelta

from storage.db import unit_of_work
from storage.leads import account_owner, find_lead, get_lead
from storage.models import ACCEPTED, REJECTED
from storage.people import (
    active_people,
    get_person,
    handoff_counts_since,
    set_away,
    set_capacity,
    set_tz,
)
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

H = timedelta(hours=1)


def test_find_lead_by_source_and_external_id(engine):
    with unit_of_work(engine) as session:
        lead = make_lead(session, source="hubspot", external_id="X-1")
        make_lead(session, source="salesforce", external_id="X-1")
    with unit_of_work(engine) as session:
        assert find_lead("hubspot", "X-1", session=session).id == lead.id
        assert find_lead("api", "X-1", session=session) is None
        assert get_lead(lead.id, session=session).external_id == "X-1"


def test_account_owner_is_the_latest_owner_of_another_lead_of_the_domain(engine, now):
    with unit_of_work(engine) as session:
        older = make_lead(session, company_domain="acme.example")
        newer = make_lead(session, company_domain="acme.example")
        this = make_lead(session, company_domain="acme.example")
        make_lead(session, company_domain="other.example")
        make_handoff(session, older, owner_id=f.ANA, created_at=now)
        make_handoff(session, newer, owner_id=f.BEN, created_at=now + H)
        make_handoff(session, this, owner_id=f.CARA, created_at=now + 2 * H)  # itself: left out
    with unit_of_work(engine) as session:
        assert account_owner("acme.example", this.id, session=session) == f.BEN
        assert account_owner("nobody.example", this.id, session=session) is None


def test_the_account_follows_its_latest_accepted_hand_off_not_a_later_pending_one(engine, now):
    with unit_of_work(engine) as session:
        accepted = make_lead(session, company_domain="shop.acme.co.uk")
        older = make_lead(session, company_domain="acme.co.uk")
        later = make_lead(session, company_domain="www.acme.co.uk")
        this = make_lead(session, company_domain="acme.co.uk")
        make_handoff(session, older, owner_id=f.ANA, status=ACCEPTED, created_at=now)
        make_handoff(session, accepted, owner_id=f.BEN, status=ACCEPTED, created_at=now + H)
        make_handoff(session, later, owner_id=f.CARA, status=REJECTED, created_at=now + 2 * H)
        make_handoff(session, later, owner_id=f.EVE, created_at=now + 3 * H)  # pending
    with unit_of_work(engine) as session:
        assert account_owner("acme.co.uk", this.id, session=session) == f.BEN
        assert account_owner("acme.co.uk", this.id, session=session, among=[f.CARA]) == f.CARA


def test_handoff_counts_since_counts_each_owners_hand_offs_in_the_window(engine, now):
    with unit_of_work(engine) as session:
        make_handoff(session, owner_id=f.ANA, created_at=now - H)
        make_handoff(session, owner_id=f.ANA, created_at=now)
        make_handoff(session, owner_id=f.ANA, created_at=now + H)
        make_handoff(session, owner_id=f.BEN, created_at=now + H)
    with unit_of_work(engine) as session:
        assert handoff_counts_since(now, session=session) == {f.ANA: 2, f.BEN: 1}
        assert handoff_counts_since(now, session=session, owners=[f.BEN, f.CARA]) == {f.BEN: 1}
        assert handoff_counts_since(now, session=session, owners=[]) == {}


def test_people_in_roster_order_and_their_runtime_settings(engine):
    with unit_of_work(engine) as session:
        ids = [p.slack_id for p in active_people(session=session)]
        assert ids == [p["slack_id"] for p in f.PEOPLE]
        assert set_tz(f.ANA, "Europe/Berlin", session=session)
        assert not set_tz(f.ANA, "Europe/Berlin", session=session)
        assert not set_tz("U0NOBODY", "UTC", session=session)
        set_away(f.ANA, date(2026, 12, 1), session=session)
        set_capacity(f.ANA, 5, session=session)
    with unit_of_work(engine) as session:
        ana = get_person(f.ANA, session=session)
        assert (ana.tz, ana.away_until, ana.capacity_per_day) == (
            "Europe/Berlin",
            date(2026, 12, 1),
            5,
        )
        assert ana.settings_from_slack
        assert set_away("U0NOBODY", None, session=session) is None
