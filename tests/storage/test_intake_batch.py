"""storage.intake_batch: the reads and bulk writes of intake's bulk path."""

from __future__ import annotations

from datetime import timedelta

from storage import intake_batch as store
from storage.db import unit_of_work
from storage.leads import account_owner
from storage.models import ACCEPTED
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

H = timedelta(hours=1)


def test_known_leads_names_only_the_stored_keys(engine):
    with unit_of_work(engine) as session:
        make_lead(session, source="hubspot", external_id="K-1")
        make_lead(session, source="salesforce", external_id="K-2")
    with unit_of_work(engine) as session:
        keys = {("hubspot", "K-1"), ("hubspot", "K-2"), ("api", "K-1")}
        assert store.known_leads(keys, session=session) == {("hubspot", "K-1")}
        assert store.known_leads(set(), session=session) == set()


def test_latest_handoffs_by_domain_is_the_latest_by_creation_then_id(engine, now):
    with unit_of_work(engine) as session:
        acme = [make_lead(session, company_domain="acme.example") for _ in range(3)]
        other = make_lead(session, company_domain="other.example")
        make_handoff(session, acme[0], owner_id=f.ANA, created_at=now + H)
        make_handoff(session, acme[1], owner_id=f.BEN, created_at=now)
        make_handoff(session, acme[2], owner_id=f.CARA, created_at=now + H)  # same time, later id
        make_handoff(session, other, owner_id=f.EVE, created_at=now)
    with unit_of_work(engine) as session:
        latest = store.latest_handoffs_by_domain(
            {"acme.example", "nobody.example"}, session=session
        )
    assert set(latest) == {"acme.example"}
    assert latest["acme.example"].owner_id == f.CARA


def test_latest_handoffs_by_domain_prefer_the_latest_accepted_as_account_owner_does(engine, now):
    with unit_of_work(engine) as session:
        leads = [make_lead(session, company_domain=d) for d in ("acme.co.uk", "eu.acme.co.uk")]
        this = make_lead(session, company_domain="acme.co.uk")
        make_handoff(session, leads[0], owner_id=f.ANA, status=ACCEPTED, created_at=now)
        make_handoff(session, leads[1], owner_id=f.BEN, status=ACCEPTED, created_at=now - H)
        make_handoff(session, leads[1], owner_id=f.CARA, created_at=now + H)  # pending, later
    with unit_of_work(engine) as session:
        latest = store.latest_handoffs_by_domain({"acme.co.uk"}, session=session)
        orm = account_owner("acme.co.uk", this.id or 0, session=session)
    assert latest["acme.co.uk"].owner_id == orm == f.ANA
    assert latest["acme.co.uk"].accepted


def test_cursors_are_created_then_moved(engine):
    keys = {("enterprise", "ae"), ("emea", "ae")}
    ana = store.CursorState(f.ANA, {f.ANA: 1.0, f.BEN: 0.0})
    with unit_of_work(engine) as session:
        before = store.lock_cursors(keys, session=session)
        assert before == {}
        store.save_cursors(
            {("enterprise", "ae"): ana, ("emea", "ae"): store.CursorState()},
            before,
            session=session,
        )
    ben = store.CursorState(f.BEN, {f.ANA: 0.0, f.BEN: 0.0})
    with unit_of_work(engine) as session:
        before = store.lock_cursors(keys, session=session)
        assert before == {("enterprise", "ae"): ana, ("emea", "ae"): store.CursorState()}
        store.save_cursors(
            {("enterprise", "ae"): ben, ("emea", "ae"): store.CursorState()},
            before,
            session=session,
        )
    with unit_of_work(engine) as session:
        assert store.lock_cursors(keys, session=session)[("enterprise", "ae")] == ben


def test_people_are_everyone_in_roster_order(engine):
    with unit_of_work(engine) as session:
        people = store.people(session=session)
    assert [p.slack_id for p in people] == [p["slack_id"] for p in f.PEOPLE]
    assert all(p.active for p in people)
