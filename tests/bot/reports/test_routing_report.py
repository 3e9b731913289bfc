"""The routing report's figures from hand-made `routed` event payloads (worked out by hand
in the comments), and its window and scope over events stored on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.routing import SKIP_KINDS
from bot.reports.periods import period_for
from bot.reports.routing import routing, routing_scope, tally
from storage.db import unit_of_work
from storage.events import log_event
from tests import factories as f

A, B, C, M = "UA", "UB", "UC", "UM"


def kinds(t) -> dict[str, int]:
    return {k: t.skips(k) for k in SKIP_KINDS if t.skips(k)}


def test_tally_adds_up_received_shares_and_skips_by_hand():
    events = [
        # went round, all three in: A 1/2, B 1/4, C 1/4; A got it
        {"owner": A, "rule": "round_robin", "team": "t", "shares": {A: 0.5, B: 0.25, C: 0.25}},
        # C away: A 2/3, B 1/3; B got it
        {
            "owner": B,
            "rule": "round_robin",
            "team": "t",
            "shares": {A: 0.666667, B: 0.333333},
            "skipped": {C: "away"},
        },
        # the CRM owner: received, not round robin, no shares
        {"owner": B, "rule": "crm_owner", "team": "t"},
        # nobody available: the manager, everyone passed over for a different reason
        {
            "owner": M,
            "rule": "manager_fallback",
            "team": "t",
            "skipped": {A: "off_shift", B: "capacity", C: "deactivated"},
        },
        # malformed payloads count what they can: no owner, shares not a map, unknown kind
        {"rule": "round_robin", "shares": "all of it", "skipped": {A: "bored"}},
        # a share that is not a number (or not in 0..1) is not added
        {"owner": A, "rule": "round_robin", "team": "t", "shares": {A: "1", B: 7}},
    ]
    found = tally(events)
    # A: received events 1 and 6 (both round robin); expected 0.5 + 0.666667; off shift once
    assert (found[A].received, found[A].round_robin) == (2, 2)
    assert found[A].expected == pytest.approx(1.166667)
    assert kinds(found[A]) == {"off_shift": 1}
    # B: events 2 (round robin) and 3 (CRM owner); expected 0.25 + 0.333333; capacity once
    assert (found[B].received, found[B].round_robin) == (2, 1)
    assert found[B].expected == pytest.approx(0.583333)
    assert kinds(found[B]) == {"capacity": 1}
    # C: nothing received; expected 0.25; away once, deactivated once
    assert (found[C].received, found[C].round_robin) == (0, 0)
    assert found[C].expected == pytest.approx(0.25)
    assert kinds(found[C]) == {"away": 1, "deactivated": 1}
    # M: the fallback lead, not round robin, no share
    assert (found[M].received, found[M].round_robin, found[M].expected) == (1, 0, 0)
    assert set(found) == {A, B, C, M}


def _routed(session, at, owner, team, rule="round_robin", shares=None, skipped=None):
    extra = {"shares": shares} if shares else {}
    if skipped:
        extra["skipped"] = skipped
    log_event("routed", session=session, at=at, actor="intake", owner=owner, rule=rule,
              team=team, **extra)  # fmt: skip


@pytest.fixture
def stored(runtime):
    """Enterprise (Ana, Ben, Cara) and EMEA (Eve) events, in and out of a 30-day window."""
    now = f.START
    with unit_of_work(runtime.engine) as session:
        three = {f.ANA: 0.5, f.BEN: 0.25, f.CARA: 0.25}
        _routed(session, now - timedelta(days=40), f.ANA, "enterprise", shares=three)  # out
        _routed(session, now - timedelta(days=5), f.ANA, "enterprise", shares=three)
        two = {f.ANA: 0.666667, f.BEN: 0.333333}
        _routed(session, now - timedelta(days=4), f.BEN, "enterprise", shares=two,
                skipped={f.CARA: "away"})  # fmt: skip
        _routed(session, now - timedelta(days=3), f.EVE, "emea", shares={f.EVE: 1.0})
        _routed(session, now - timedelta(days=2), f.MAX, "emea", rule="manager_fallback",
                skipped={f.EVE: "capacity"})  # fmt: skip
        _routed(session, now, f.CARA, "enterprise", shares=three)  # `until` is exclusive
    return runtime


def report_for(runtime, viewer, period="30d"):
    scope = routing_scope(runtime.config, viewer)
    assert scope is not None
    now = f.START
    with unit_of_work(runtime.engine) as session:
        return routing(
            session=session,
            config=runtime.config,
            scope=scope,
            now=now,
            period=period_for(period, now=now, tz="UTC"),
        )


def lines(report) -> dict[str, tuple]:
    return {
        x.slack_id: (x.received, x.round_robin, round(x.expected, 3), x.skipped)
        for team in report.teams
        for x in team.lines
    }


def test_an_admin_sees_every_team_in_the_window(stored):
    report = report_for(stored, f.ADA)
    # in the window: the day-5, day-4, day-3 and day-2 events (day 40 before, `now` after)
    assert report.events == 4
    assert [t.team for t in report.teams] == ["enterprise", "emea"]
    got = lines(report)
    assert got[f.ANA] == (1, 1, 0.5 + 0.667, (0, 0, 0, 0))
    assert got[f.BEN] == (1, 1, 0.25 + 0.333, (0, 0, 0, 0))
    assert got[f.CARA] == (0, 0, 0.25, (1, 0, 0, 0))  # away once
    assert got[f.EVE] == (1, 1, 1.0, (0, 1, 0, 0))  # at capacity once
    assert got[f.MAX] == (1, 0, 0.0, (0, 0, 0, 0))  # the fallback lead
    enterprise = report.teams[0].total
    assert (enterprise.received, enterprise.round_robin) == (2, 2)
    assert enterprise.expected == pytest.approx(2.0)
    assert enterprise.skipped == (1, 0, 0, 0)
    weights = {x.slack_id: x.weight_now for t in report.teams for x in t.lines}
    assert weights[f.ANA] == 1.0


def test_a_manager_sees_their_team_a_rep_their_line_a_marketer_nothing(stored):
    maya = lines(report_for(stored, f.MAYA))
    assert set(maya) == {f.ANA, f.BEN, f.CARA}  # the enterprise rotation, no EMEA
    max_ = report_for(stored, f.MAX)
    assert max_.events == 2 and set(lines(max_)) == {f.EVE, f.MAX}
    ana = report_for(stored, f.ANA)
    assert lines(ana) == {f.ANA: (1, 1, 1.167, (0, 0, 0, 0))}
    assert routing_scope(stored.config, f.MIA) is None


def test_a_longer_window_takes_the_older_event(stored):
    got = lines(report_for(stored, f.ADA, "90d"))
    assert got[f.ANA] == (2, 2, 0.5 + 0.5 + 0.667, (0, 0, 0, 0))
