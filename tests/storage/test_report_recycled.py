"""storage.reports.recycled and bot.reports.recycled on both backends, against the
hand-built hand-backs of tests/storage/recycle_data.py (every figure counted by hand)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.reports.periods import period_for
from bot.reports.recycled import RecycleRow, recycled
from bot.reports.scope import scope_for
from storage.db import unit_of_work
from storage.reports import RecycleTally, Window, recycle_tallies, return_counts
from tests import factories as f
from tests.storage.recycle_data import NOW, build_recycled


@pytest.fixture
def built(engine):
    with unit_of_work(engine) as session:
        build_recycled(session)


def test_tallies_by_reason_over_the_hand_backs_of_the_window(engine, built):
    """90 days: B1–B6 and B8 (B7 is 100 days old; R1 is a rejection).
    N-TIMING: B1, B2, B3 → came back B1 (intake), B2 (Re-engage) → both accepted, both with
    a meeting (B1 by its first touch, B2 by a Meeting row). N-BUDGET: B4 (intake, rejected),
    B5 (Re-engage, pending) → 2 back, none accepted. N-NONEED: B6 (Re-engage, accepted, no
    meeting). N-OLD: B8, never back. Ana alone: B1, B2, B3, B8."""
    with unit_of_work(engine) as session:
        everyone = recycle_tallies(Window(NOW - timedelta(days=90), NOW), session=session)
        ana = recycle_tallies(
            Window(NOW - timedelta(days=90), NOW, frozenset({f.ANA})), session=session
        )
        counts = return_counts(NOW - timedelta(days=120), NOW - timedelta(days=30), session=session)
    assert everyone == [
        RecycleTally("N-TIMING", "n-timing", 3, 2, 1, 2, 2),
        RecycleTally("N-BUDGET", "n-budget", 2, 2, 1, 0, 0),
        RecycleTally("N-NONEED", "n-noneed", 1, 1, 1, 1, 0),
        RecycleTally("N-OLD", "Old one", 1, 0, 0, 0, 0),
    ]
    assert ana == [
        RecycleTally("N-TIMING", "n-timing", 3, 2, 1, 2, 2),
        RecycleTally("N-OLD", "Old one", 1, 0, 0, 0, 0),
    ]
    # handed back 30–120 days before NOW: B1, B2, B3, B7 (B4 is 29 days old); back: B1, B2, B7
    assert counts == (4, 3)


def test_the_report_orders_reasons_as_the_config_and_scopes_the_caller(engine, built, config):
    """Config order: N-UNREACHABLE (none in 90d), N-NONEED, N-BUDGET, N-TIMING, then the
    retired N-OLD with its stored label. Everyone: 7 back, 5 returned (intake B1, B4; Re-engage
    B2, B5, B6), 3 accepted (B1, B2, B6), 2 meetings. Max (emea): Eve's B5 only. 30 days:
    B4, B5, B6, B8 → 4 back, 3 returned (1 intake, 2 Re-engage), 1 accepted, no meeting."""
    with unit_of_work(engine) as session:

        def run(viewer: str, name: str = "90d"):
            return recycled(
                session=session,
                config=config,
                scope=scope_for(config, viewer),
                now=NOW,
                period=period_for(name, now=NOW, tz=config.timezone),
            )

        everyone, max_, last30 = run(f.ADA), run(f.MAX), run(f.MIA, "30d")
    assert [(r.code, r.label) for r in everyone.rows] == [
        ("N-NONEED", "No current need"),
        ("N-BUDGET", "No budget now"),
        ("N-TIMING", "Timing: the project is months out"),
        ("N-OLD", "Old one"),
    ]
    assert everyone.total == RecycleRow("", "All reasons", 7, 5, 3, 3, 2)
    assert everyone.total.by_intake == 2 and everyone.total.return_rate == pytest.approx(5 / 7)
    assert max_.total == RecycleRow("", "All reasons", 1, 1, 1, 0, 0)
    assert last30.total == RecycleRow("", "All reasons", 4, 3, 2, 1, 0)
