"""A waiting lead's row is claimed once: the compare-and-set that keeps two instances (or
two ticks) from routing it twice; fired ones are pruned after thirty days."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.db import unit_of_work
from storage.lead_waits import add_wait, claim_wait, due_waits, pending_wait, prune_fired_waits
from storage.models import Lead, LeadWait
from tests import factories as f


def waiting(session, n: int, now, due_in: timedelta = timedelta(hours=1)) -> tuple[int, int]:
    """A new lead waiting for a shift (its wait given up four hours after `now`, due
    `due_in` after it); the wait's id and the lead's."""
    lead = Lead(
        source="api", external_id=f"p-{n}", email=f"p{n}@x.example", created_at=now, updated_at=now
    )
    session.add(lead)
    session.flush()
    wait = add_wait(
        lead.id,
        session=session,
        arrived_at=now,
        give_up_at=now + timedelta(hours=4),
        due_at=now + due_in,
        signals=["Visited pricing"],
    )
    session.flush()
    return wait.id, lead.id


def test_due_at_the_earlier_time_and_claimed_once(engine) -> None:
    now = f.START
    with unit_of_work(engine) as session:
        # a shift after max_wait: max_wait wins
        wait_id, lead_id = waiting(session, 0, now, due_in=timedelta(hours=9))
    with unit_of_work(engine) as session:
        assert due_waits(now + timedelta(hours=3, minutes=59), 10, session=session) == []
        assert [w.id for w in due_waits(now + timedelta(hours=4), 10, session=session)] == [wait_id]
        assert pending_wait(lead_id, session=session) is not None
        assert claim_wait(wait_id, session=session, now=now) is True
    with unit_of_work(engine) as session:
        assert claim_wait(wait_id, session=session, now=now) is False
        assert due_waits(now + timedelta(days=1), 10, session=session) == []
        assert pending_wait(lead_id, session=session) is None


def test_fired_waits_go_after_thirty_days_and_pending_ones_stay(engine) -> None:
    now = f.START
    names = ("old_fired", "recent_fired", "old_pending", "old_fired_2")
    with unit_of_work(engine) as session:
        ids = {name: waiting(session, n, now)[0] for n, name in enumerate(names)}
        for name, days in (("old_fired", 31), ("recent_fired", 29), ("old_fired_2", 40)):
            assert claim_wait(ids[name], session=session, now=now - timedelta(days=days))
    with unit_of_work(engine) as session:
        assert prune_fired_waits(session=session, now=now, limit=1) == 1  # bounded
        assert prune_fired_waits(session=session, now=now) == 1
        assert prune_fired_waits(session=session, now=now) == 0
    with unit_of_work(engine) as session:
        left = set(session.exec(select(LeadWait.id)).all())
    assert left == {ids["recent_fired"], ids["old_pending"]}
