"""storage.handoffs: the compare-and-set claims, the export's rows, a lead's hand-offs."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.handoffs import (
    claim_decision,
    claim_first_touch,
    get_handoff,
    handoffs_created_since,
    handoffs_for_lead,
    open_handoffs_of,
)
from storage.models import ACCEPTED, PENDING, REJECTED
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

H = timedelta(hours=1)


def test_the_first_decision_wins_and_a_later_one_changes_nothing(engine, now):
    with unit_of_work(engine) as session:
        hid = make_handoff(session).id
    with unit_of_work(engine) as session:
        assert claim_decision(
            hid, session=session, status=REJECTED, decided_by=f.ANA, decided_at=now,
            reason_code="R-DATA", reason_label="Bad data", note="n", routing_error=True,
        )  # fmt: skip
        assert not claim_decision(
            hid, session=session, status=ACCEPTED, decided_by=f.BEN, decided_at=now + H
        )
    with unit_of_work(engine) as session:
        h = get_handoff(hid, session=session)
        assert (h.status, h.decided_by, h.reason_code, h.note) == (REJECTED, f.ANA, "R-DATA", "n")
        assert h.routing_error is True


def test_a_first_touch_needs_an_accepted_hand_off_and_counts_once(engine, now):
    with unit_of_work(engine) as session:
        pending = make_handoff(session).id
        accepted = make_handoff(session, status=ACCEPTED, decided_at=now).id
    with unit_of_work(engine) as session:
        assert not claim_first_touch(pending, session=session, kind="contacted", at=now, by=f.ANA)
        assert claim_first_touch(accepted, session=session, kind="contacted", at=now, by=f.ANA)
        assert not claim_first_touch(
            accepted, session=session, kind="meeting_booked", at=now + H, by=f.BEN
        )
    with unit_of_work(engine) as session:
        h = get_handoff(accepted, session=session)
        assert (h.first_touch, h.touched_by, h.first_touch_at) == ("contacted", f.ANA, now)


def test_handoffs_created_since_is_the_window_in_creation_order_with_lead_and_owner(engine, now):
    with unit_of_work(engine) as session:
        make_handoff(session, created_at=now - 2 * H)  # before the window
        late = make_handoff(session, created_at=now + 2 * H, owner_id=f.BEN).id
        early = make_handoff(session, created_at=now).id
    with unit_of_work(engine) as session:
        rows = handoffs_created_since(now, session=session)
    assert [r.handoff.id for r in rows] == [early, late]
    assert [r.owner.slack_id for r in rows] == [f.ANA, f.BEN]
    assert all(r.lead.id == r.handoff.lead_id for r in rows)


def test_a_leads_hand_offs_in_order_and_an_owners_open_ones(engine, now):
    with unit_of_work(engine) as session:
        lead = make_lead(session)
        first = make_handoff(session, lead, status="reassigned").id
        second = make_handoff(session, lead, owner_id=f.BEN).id
        waiting = make_handoff(session, owner_id=f.BEN, status=ACCEPTED, decided_at=now).id
        make_handoff(session, owner_id=f.BEN, status=ACCEPTED, first_touch="contacted")
        make_handoff(session, owner_id=f.BEN, status=REJECTED)
        make_handoff(session, owner_id=f.ANA, status=PENDING)
    with unit_of_work(engine) as session:
        assert [h.id for h in handoffs_for_lead(lead.id, session=session)] == [first, second]
        open_ = open_handoffs_of(f.BEN, session=session)
    assert sorted(h.id for h, _ in open_) == sorted([second, waiting])
