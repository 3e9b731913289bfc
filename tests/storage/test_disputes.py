"""storage.disputes on both backends: one dispute per decision, the first ruling wins, the
scoped lists, and an overturned reject leaving the reject figures (issue 14 §1)."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.disputes import add_dispute, claim_ruling, dispute_for_handoff, disputes_since
from storage.models import (
    DISPUTE_OPEN,
    DISPUTE_OVERTURNED,
    DISPUTE_UPHELD,
    HANDED_BACK,
    REJECTED,
    Dispute,
)
from storage.reports.owners import owner_figures
from storage.reports.tallies import outcomes, reasons
from storage.reports.window import Window
from tests import factories as f
from tests.storage.conftest import make_handoff

H = timedelta(hours=1)


def _dispute(handoff, by=f.MIA, at=f.START + H) -> Dispute:
    return Dispute(
        handoff_id=handoff.id,
        lead_id=handoff.lead_id,
        disputed_by=by,
        why="a buyer",
        manager_id=f.MAYA,
        created_at=at,
    )


def _rejected(session, owner=f.ANA, status=REJECTED, code="R-DATA"):
    return make_handoff(
        session, owner_id=owner, status=status, reason_code=code, reason_label=code,
        decided_by=owner, decided_at=f.START + H,
    )  # fmt: skip


def test_a_decision_is_disputed_once_and_ruled_once(engine):
    with unit_of_work(engine) as session:
        handoff = _rejected(session)
        first = add_dispute(_dispute(handoff), session=session)
        assert first is not None and first.status == DISPUTE_OPEN
        assert add_dispute(_dispute(handoff, by=f.ADA), session=session) is None
        hid, did = handoff.id, first.id
    with unit_of_work(engine) as session:
        assert dispute_for_handoff(hid, session=session).disputed_by == f.MIA
        at = f.START + 2 * H
        assert claim_ruling(
            did, session=session, status=DISPUTE_UPHELD, settled_by=f.MAYA, settled_at=at, note="n"
        )
        assert not claim_ruling(
            did,
            session=session,
            status=DISPUTE_OVERTURNED,
            settled_by=f.ADA,
            settled_at=at,
            note=None,
        )
    with unit_of_work(engine) as session:
        d = dispute_for_handoff(hid, session=session)
        assert (d.status, d.settled_by, d.settle_note) == (DISPUTE_UPHELD, f.MAYA, "n")


def test_lists_are_scoped_by_owner_and_period(engine):
    with unit_of_work(engine) as session:
        ana, eve = _rejected(session, f.ANA), _rejected(session, f.EVE, HANDED_BACK, "N-TIMING")
        add_dispute(_dispute(ana), session=session)
        add_dispute(_dispute(eve, by=f.ADA, at=f.START + 3 * H), session=session)
    with unit_of_work(engine) as session:
        everyone = disputes_since(f.START, session=session)
        assert [r.owner_id for r in everyone] == [f.EVE, f.ANA]  # newest first
        assert everyone[0].decision == HANDED_BACK and everyone[0].reason_code == "N-TIMING"
        assert everyone[0].lead.id == eve.lead_id
        assert [r.owner_id for r in disputes_since(f.START, owners={f.ANA}, session=session)] == [
            f.ANA
        ]
        assert disputes_since(f.START, until=f.START + 2 * H, session=session)[0].owner_id == f.ANA
        assert disputes_since(f.START + 4 * H, session=session) == []


def test_an_overturned_reject_stops_counting_against_marketing(engine, now):
    with unit_of_work(engine) as session:
        kept, overturned = _rejected(session), _rejected(session, code="R-FIT")
        add_dispute(_dispute(kept), session=session)
        d = add_dispute(_dispute(overturned), session=session)
        claim_ruling(
            d.id, session=session, status=DISPUTE_OVERTURNED, settled_by=f.MAYA,
            settled_at=f.START + 2 * H, note=None,
        )  # fmt: skip
    window = Window(f.START - H, f.START + H)
    with unit_of_work(engine) as session:
        assert [r.code for r in reasons(window, session=session)] == ["R-DATA"]
        (row,) = outcomes(window, session=session, now=now)
        assert (row.total, row.rejected) == (2, 1)
        ((ana,), _durations) = owner_figures(window, session=session, now=now, fractions=(0.5,))
        assert (ana.key, ana.total, ana.rejected, ana.routing_errors) == (f.ANA, 2, 1, 0)
