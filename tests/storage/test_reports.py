"""storage.reports, family by family, on both backends: windows, owners, grouping, the
percentiles, the stale list and one lead's timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.db import unit_of_work
from storage.events import log_event
from storage.models import ACCEPTED, HANDED_BACK, PENDING, REJECTED
from storage.reports import (
    Window,
    durations,
    lead_histories,
    leads_received,
    outcomes,
    overdue_pending,
    owner_figures,
    reasons,
    signal_outcomes,
)
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

M, H = timedelta(minutes=1), timedelta(hours=1)


@pytest.fixture
def window(now):
    return Window(now, now + 24 * H)


def decided(session, now, status, minutes, **kw):
    return make_handoff(session, status=status, decided_at=now + minutes * M, **kw)


def test_outcomes_count_the_window_and_the_owners_only(engine, now, window):
    with unit_of_work(engine) as session:
        decided(session, now, ACCEPTED, 10)
        decided(session, now, REJECTED, 20, reason_code="R-DATA")
        decided(session, now, REJECTED, 30, routing_error=True)
        decided(session, now, HANDED_BACK, 300)  # after the 4h deadline: breached
        make_handoff(session, due_at=now - H)  # pending past its deadline: breached
        make_handoff(session, owner_id=f.BEN)
        make_handoff(session, created_at=now - H)  # before the window
    with unit_of_work(engine) as session:
        (everyone,) = outcomes(window, session=session, now=now)
        (ana,) = outcomes(Window(now, window.until, frozenset({f.ANA})), session=session, now=now)
        by_owner = {o.key: o.total for o in outcomes(window, session=session, now=now, by="owner")}
    assert (everyone.total, everyone.accepted, everyone.rejected, everyone.routing_errors) == (
        6, 1, 1, 1,
    )  # fmt: skip
    assert (everyone.handed_back, everyone.pending, everyone.breached) == (1, 2, 2)
    assert ana.total == 5 and by_owner == {f.ANA: 5, f.BEN: 1}


def test_leads_received_and_reasons_by_campaign(engine, now, window):
    with unit_of_work(engine) as session:
        make_lead(session, campaign="A", status="nurture")
        lead = make_lead(session, campaign="A")
        make_lead(session, campaign="B", created_at=now - H)  # before the window
        for _ in range(2):
            decided(session, now, REJECTED, 5, reason_code="R-DATA", reason_label="Bad data")
        decided(session, now, HANDED_BACK, 5, lead=lead, reason_code="N-TIMING")
    with unit_of_work(engine) as session:
        received = leads_received(window, session=session)
        found = reasons(window, session=session)
        by_campaign = reasons(window, session=session, by_campaign=True)
    assert sorted((t.campaign, t.received, t.nurtured) for t in received) == [
        ("A", 2, 1),
        ("Q4 webinar", 2, 0),  # the two rejected hand-offs' leads; B's is older
    ]
    assert [(r.code, r.count) for r in found] == [("R-DATA", 2), ("N-TIMING", 1)]
    assert found[0].label == "Bad data"
    assert {(r.campaign, r.code) for r in by_campaign} == {
        ("Q4 webinar", "R-DATA"),
        ("A", "N-TIMING"),
    }


def test_durations_give_the_same_percentiles_on_both_backends(engine, now, window):
    with unit_of_work(engine) as session:
        for minutes in (10, 20, 30, 40):
            h = decided(session, now, ACCEPTED, minutes, first_touch_at=now + 2 * minutes * M)
        decided(session, now, REJECTED, 100, owner_id=f.BEN)
        make_handoff(session)  # pending: no duration
        assert h.id
    with unit_of_work(engine) as session:
        d = durations(window, session=session, fractions=(0.5, 0.9), by_owner=True)
    assert d.decision[None].count == 5 and d.decision[None].values == (30.0, 76.0)
    assert d.decision[f.ANA].values == (25.0, 37.0) and d.decision[f.BEN].count == 1
    assert d.first_touch[None].count == 4 and d.first_touch[None].values[0] == 25.0


def test_owner_figures_agree_with_outcomes_and_durations(engine, now, window):
    with unit_of_work(engine) as session:
        decided(session, now, ACCEPTED, 15, first_touch_at=now + 60 * M)
        decided(session, now, REJECTED, 45, owner_id=f.BEN, routing_error=True)
        make_handoff(session, due_at=now - H)
    with unit_of_work(engine) as session:
        rows, timings = owner_figures(window, session=session, now=now, fractions=(0.5,))
        expected = outcomes(window, session=session, now=now, by="owner")
        spreads = durations(window, session=session, fractions=(0.5,), by_owner=True)
    assert sorted(rows, key=lambda o: o.key) == sorted(expected, key=lambda o: o.key)
    assert timings == spreads


def test_signal_outcomes_group_by_the_set_of_signals(engine, now, window):
    with unit_of_work(engine) as session:
        decided(session, now, ACCEPTED, 5, signals=["demo_request"])
        decided(session, now, ACCEPTED, 5, signals=["demo_request"])
        decided(session, now, REJECTED, 5, signals=None, reason_code="R-DATA")
        make_handoff(session, signals=["demo_request"])  # pending: not decided
    with unit_of_work(engine) as session:
        found = signal_outcomes(window, session=session)
    assert sorted((t.signals, t.status, t.code, t.count) for t in found) == [
        ((), REJECTED, "R-DATA", 1),
        (("demo_request",), ACCEPTED, None, 2),
    ]


def test_overdue_pending_longest_overdue_first_with_the_total(engine, now):
    with unit_of_work(engine) as session:
        a = make_handoff(session, due_at=now - H).id
        b = make_handoff(session, due_at=now - 3 * H).id
        make_handoff(session, due_at=now - 2 * H, owner_id=f.BEN)
        make_handoff(session, due_at=now + H)  # not yet due
        make_handoff(session, due_at=now - H, status=ACCEPTED)
    with unit_of_work(engine) as session:
        rows, total = overdue_pending(session=session, now=now, owners=None, limit=2)
        mine, my_total = overdue_pending(
            session=session, now=now, owners=frozenset({f.ANA}), limit=10
        )
    assert total == 3 and len(rows) == 2 and rows[0][0].id == b
    assert [h.id for h, _ in mine] == [b, a] and my_total == 2


def test_lead_histories_by_email_with_hand_offs_and_events_in_order(engine, now):
    with unit_of_work(engine) as session:
        lead = make_lead(session, email="jordan@acme.example")
        h = make_handoff(session, lead)
        log_event("delivery_failed", session=session, at=now + H, actor="system", handoff_id=h.id)
        log_event("routed", session=session, at=now, actor="intake", lead_id=lead.id)
        make_lead(session, email="other@acme.example")
    with unit_of_work(engine) as session:
        (history,) = lead_histories("  Jordan@Acme.example ", session=session)
        assert lead_histories("nobody@acme.example", session=session) == []
    assert [x.id for x in history.handoffs] == [h.id]
    assert [e.kind for e in history.events] == ["routed", "delivery_failed"]


def test_pending_statuses_are_not_counted_as_decided(engine, now, window):
    with unit_of_work(engine) as session:
        make_handoff(session, status=PENDING)
    with unit_of_work(engine) as session:
        d = durations(window, session=session, fractions=(0.5,))
    assert d.decision == {} and d.first_touch == {}
