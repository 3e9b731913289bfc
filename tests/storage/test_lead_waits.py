"""A waiting lead's row is claimed once: the compare-and-set that keeps two instances (or
two ticks) from routing it twice."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.lead_waits import add_wait, claim_wait, due_waits, pending_wait
from storage.models import Lead
from tests import factories as f


def test_due_at_the_earlier_time_and_claimed_once(engine) -> None:
    now = f.START
    with unit_of_work(engine) as session:
        lead = Lead(
            source="api", external_id="w-1", email="w@x.example", created_at=now, updated_at=now
        )
        session.add(lead)
        session.flush()
        wait = add_wait(
            lead.id,
            session=session,
            arrived_at=now,
            give_up_at=now + timedelta(hours=4),
            due_at=now + timedelta(hours=9),  # a shift after max_wait: max_wait wins
            signals=["Visited pricing"],
        )
        session.flush()
        wait_id, lead_id = wait.id, lead.id
    with unit_of_work(engine) as session:
        assert due_waits(now + timedelta(hours=3, minutes=59), 10, session=session) == []
        assert [w.id for w in due_waits(now + timedelta(hours=4), 10, session=session)] == [wait_id]
        assert pending_wait(lead_id, session=session) is not None
        assert claim_wait(wait_id, session=session, now=now) is True
    with unit_of_work(engine) as session:
        assert claim_wait(wait_id, session=session, now=now) is False
        assert due_waits(now + timedelta(days=1), 10, session=session) == []
        assert pending_wait(lead_id, session=session) is None
