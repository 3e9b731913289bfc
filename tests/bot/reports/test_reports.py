"""Every report's numbers against the hand-built history in test_reports_data (worked out
by hand there), on SQLite and PostgreSQL, and the scope rules of DESIGN §4."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.reports.campaigns import campaigns
from bot.reports.common import Counts
from bot.reports.contract import contract
from bot.reports.periods import period_for
from bot.reports.scope import ALL, OWN, TEAM, scope_for
from bot.reports.stale import stale
from bot.reports.summary import summary
from bot.reports.timeline import timeline
from storage.db import unit_of_work
from tests import factories as f
from tests.bot.reports.test_reports_data import EMAILS, DataSet, build


@pytest.fixture
def data(runtime) -> DataSet:
    return build(runtime)


def run(data: DataSet, report, viewer: str, period: str | None = "7d", **kw):
    rt = data.runtime
    see_all = report in (campaigns, contract, timeline)
    scope = scope_for(rt.config, viewer, marketers_see_all=see_all)
    if period:
        kw["period"] = period_for(period, now=data.now, tz=rt.config.timezone)
    with unit_of_work(rt.engine) as session:
        return report(session=session, config=rt.config, scope=scope, now=data.now, **kw)


# -- summary --------------------------------------------------------------------------------


def test_summary_for_an_admin(data):
    s = run(data, summary, f.ADA)
    assert (s.received, s.qualified, s.nurtured) == (8, 7, 1)
    assert s.counts == Counts(
        handoffs=8,
        accepted=2,
        rejected=2,
        routing_errors=1,
        handed_back=1,
        reassigned=0,
        pending=2,
        breached=3,  # H6 and H8 pending past due, H7 decided after its deadline
    )
    assert s.counts.routed == 7  # H7 was passed on to H8
    assert s.counts.acceptance_rate == pytest.approx(2 / 5)
    assert s.counts.breach_rate == pytest.approx(3 / 8)
    # decisions after 30, 60, 90, 100, 120, 300 minutes; first touches after 45 and 240
    assert (s.to_decision.count, s.to_decision.median, s.to_decision.p90) == (6, 95, 210)
    assert (s.to_first_touch.count, s.to_first_touch.median) == (2, 142.5)
    assert s.to_first_touch.p90 == pytest.approx(220.5)
    # Rejected means on quality, as in counts.rejected; the wrong-owner reject apart.
    assert [(r.code, r.count, r.routing_error) for r in s.reject_reasons] == [
        ("R-DATA", 1, False),
        ("R-ICP", 1, False),
    ]
    assert [(r.code, r.count, r.routing_error) for r in s.wrong_owner_reasons] == [
        ("R-OWNER", 1, True)
    ]
    assert [(r.code, r.label) for r in s.handback_reasons] == [
        ("N-TIMING", "Timing: the project is months out")
    ]


def test_summary_rows_per_rep_and_campaign(data):
    s = run(data, summary, f.ADA)
    reps = {r.slack_id: r for r in s.reps}
    assert set(reps) == {f.ANA, f.BEN, f.CARA, f.EVE}
    ana = reps[f.ANA].counts
    assert (ana.handoffs, ana.accepted, ana.pending, ana.breached) == (3, 1, 2, 2)
    assert {k: r.median_to_decision for k, r in reps.items()} == {
        f.ANA: 30,
        f.BEN: 180,  # 60 and 300
        f.CARA: 95,  # 90 and 100
        f.EVE: 120,
    }
    rows = {r.campaign: r for r in s.campaigns}
    assert set(rows) == {"Webinar", "Ebook", None}
    ebook = rows["Ebook"]
    assert (ebook.received, ebook.nurtured) == (4, 1)
    assert (ebook.counts.routed, ebook.counts.handed_back, ebook.counts.rejected) == (3, 1, 1)
    assert (ebook.counts.routing_errors, ebook.counts.pending) == (1, 1)
    assert (rows["Webinar"].received, rows["Webinar"].counts.accepted) == (3, 2)
    assert rows[None].counts.pending == 1


def test_a_longer_period_takes_in_older_hand_offs(data):
    s = run(data, summary, f.ADA, "30d")
    assert (s.received, s.counts.handoffs, s.counts.accepted) == (9, 9, 3)
    assert s.to_decision.count == 7  # and L0's 10 minutes
    assert s.to_decision.median == 90


def test_a_rep_sees_only_their_own_hand_offs(data):
    s = run(data, summary, f.ANA)
    assert s.scope.kind == OWN
    assert (s.counts.handoffs, s.counts.accepted, s.counts.pending) == (3, 1, 2)
    assert (s.received, s.nurtured) == (None, None)  # leads are nobody's until routed
    assert s.counts.routed == 3
    assert [r.slack_id for r in s.reps] == [f.ANA]
    assert s.reject_reasons == () and s.handback_reasons == ()
    assert all(r.received is None for r in s.campaigns)
    ben = run(data, summary, f.BEN)
    assert (ben.counts.handoffs, ben.counts.rejected, ben.counts.routing_errors) == (2, 1, 1)


def test_a_manager_sees_their_team_and_only_it(data):
    s = run(data, summary, f.MAYA)
    assert s.scope.kind == TEAM and s.scope.teams == ("enterprise",)
    assert s.counts.handoffs == 7 and s.counts.accepted == 1  # all but Eve's
    assert {r.slack_id for r in s.reps} == {f.ANA, f.BEN, f.CARA, f.SAM}  # Sam got none
    emea = run(data, summary, f.MAX)
    assert (emea.counts.handoffs, emea.counts.accepted) == (1, 1)
    assert [r.slack_id for r in emea.reps] == [f.EVE]


def test_a_marketer_sees_every_teams_numbers_read_only(data):
    """A marketer owns no hand-offs: scoped to their own, their summary was always empty."""
    s, everyone = run(data, summary, f.MIA), run(data, summary, f.ADA)
    assert s.scope.kind == ALL and s.scope.read_only and not s.scope.manages
    assert s.counts == everyone.counts and s.reps == everyone.reps
    assert s.to_decision == everyone.to_decision and s.counts.handoffs > 0


# -- stale ----------------------------------------------------------------------------------


def test_stale_lists_overdue_pending_hand_offs_oldest_first(data):
    report = run(data, stale, f.MAYA, None)
    assert [i.handoff_id for i in report.items] == [data.handoffs["H6"], data.handoffs["H8"]]
    assert [i.overdue_minutes for i in report.items] == [360, 60]
    assert report.total == 2 and report.more == 0
    assert run(data, stale, f.ADA, None).total == 2
    assert run(data, stale, f.ANA, None).total == 2
    assert run(data, stale, f.BEN, None).total == 0
    assert run(data, stale, f.MAX, None).total == 0
    assert run(data, stale, f.MIA, None).total == 2  # marketers: everyone's, read-only


def test_stale_is_capped(data):
    report = run(data, stale, f.ADA, None, limit=1)
    assert len(report.items) == 1 and report.total == 2 and report.more == 1


# -- lead timeline --------------------------------------------------------------------------


def test_timeline_tells_the_lead_story_in_order(data):
    report = run(data, timeline, f.ADA, None, email=EMAILS["L7"].upper())
    (lead,) = report.leads
    assert [s.kind for s in lead.steps] == ["received", "routed", "rejected", "routed"]
    assert lead.steps[2].data["reason_code"] == "R-OWNER" and lead.steps[2].data["routing_error"]
    assert [(h.owner_id, h.status) for h in lead.handoffs] == [
        (f.BEN, "rejected"),
        (f.ANA, "pending"),
    ]
    l1 = run(data, timeline, f.ADA, None, email=EMAILS["L1"]).leads[0]
    assert [s.kind for s in l1.steps] == ["received", "routed", "accepted", "first_touch"]


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (f.BEN, True),  # the owner
        (f.MAYA, True),  # the owner's manager
        (f.ADA, True),
        (f.MIA, True),  # marketers may look up any lead
        (f.ANA, False),  # another rep
        (f.CARA, False),
        (f.MAX, False),  # another team's manager
    ],
)
def test_who_may_look_up_a_lead(data, viewer, sees):
    report = run(data, timeline, viewer, None, email=EMAILS["L2"])
    assert bool(report.leads) is sees


def test_a_lead_handed_to_two_people_is_seen_by_both(data):
    for viewer in (f.BEN, f.ANA):
        assert run(data, timeline, viewer, None, email=EMAILS["L7"]).leads


def test_nurtured_and_unknown_leads(data):
    assert run(data, timeline, f.MIA, None, email=EMAILS["L4"]).leads[0].status == "nurture"
    assert run(data, timeline, f.MAYA, None, email=EMAILS["L4"]).leads == ()
    assert run(data, timeline, f.ADA, None, email="nobody@nowhere.example").leads == ()


# -- campaigns ------------------------------------------------------------------------------


def test_campaigns_for_marketing(data):
    report = run(data, campaigns, f.MIA, "30d")
    assert report.scope.kind == ALL
    rows = {r.campaign: r for r in report.rows}
    web = rows["Webinar"]
    assert (web.received, web.counts.routed, web.counts.accepted) == (4, 4, 3)
    assert web.counts.rejected == 1
    assert [(r.code, r.count) for r in web.reject_reasons] == [("R-DATA", 1)]
    ebook = rows["Ebook"]
    assert (ebook.received, ebook.nurtured, ebook.counts.routed) == (4, 1, 3)
    assert (ebook.counts.handoffs, ebook.counts.routing_errors) == (4, 1)
    assert [r.code for r in ebook.reject_reasons] == ["R-ICP"]  # as counts.rejected: 1
    assert [r.code for r in ebook.wrong_owner_reasons] == ["R-OWNER"]
    assert [r.code for r in ebook.handback_reasons] == ["N-TIMING"]
    assert [r.campaign for r in report.rows][:2] == ["Webinar", "Ebook"]  # most received first


def test_campaigns_follow_the_scope_for_sales(data):
    report = run(data, campaigns, f.MAX, "30d")
    assert [(r.campaign, r.counts.accepted, r.received) for r in report.rows] == [
        ("Webinar", 1, None)
    ]


# -- contract -------------------------------------------------------------------------------


def test_contract_acceptance_with_and_without_each_signal(data):
    report = run(data, contract, f.ADA, "90d")
    rows = {r.name: r for r in report.signals}
    # quality verdicts: H0 H1 accepted, H2 rejected (pricing + session); H3 handed back and
    # H9 rejected (score alone); H5 accepted (demo). H7's routing error does not count.
    pricing = rows["Visited pricing"]
    assert (pricing.with_signal.accepted, pricing.with_signal.total) == (2, 3)
    assert (pricing.without.accepted, pricing.without.total) == (1, 3)
    demo = rows["Requested a demo"]
    assert demo.qualifies and demo.with_signal.acceptance_rate == 1
    assert (demo.without.accepted, demo.without.total) == (2, 5)
    assert (report.score_only.total, report.score_only.accepted) == (2, 0)
    assert [r.code for r in report.score_only_rejects] == ["R-ICP"]
    assert [r.code for r in report.score_only_handbacks] == ["N-TIMING"]


def test_contract_for_a_rep_counts_their_own(data):
    report = run(data, contract, f.CARA, "90d")
    assert (report.score_only.total, report.score_only.rejected) == (2, 1)
    assert all(r.with_signal.total == 0 for r in report.signals)


# -- scope and periods, directly ------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "see_all", "kind", "covers_ben", "covers_eve"),
    [
        (f.ADA, False, ALL, True, True),
        (f.MAYA, False, TEAM, True, False),
        (f.MAX, False, TEAM, False, True),
        (f.ANA, False, OWN, False, False),
        (f.SAM, False, OWN, False, False),
        (f.MIA, False, ALL, True, True),  # marketers always see every team (read-only)
        (f.MIA, True, ALL, True, True),
        (f.ANA, True, OWN, False, False),
        ("U0STRANGER", True, OWN, False, False),
    ],
)
def test_scope_rules(config, viewer, see_all, kind, covers_ben, covers_eve):
    scope = scope_for(config, viewer, marketers_see_all=see_all)
    assert scope.kind == kind
    assert (scope.covers(f.BEN), scope.covers(f.EVE)) == (covers_ben, covers_eve)
    assert scope.covers(viewer)


def test_periods():
    now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert period_for("7d", now=now, tz="UTC").start == datetime(2026, 11, 17, tzinfo=UTC)
    assert period_for("90D", now=now, tz="UTC").start == datetime(2026, 8, 26, tzinfo=UTC)
    qtd = period_for("qtd", now=now, tz="America/New_York")
    assert qtd.start == datetime(2026, 10, 1, 4, 0, tzinfo=UTC)  # midnight EDT
    # 03:00 UTC on New Year's Day is still December 31 in New York: last year's Q4
    new_year = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)
    assert period_for("qtd", now=new_year, tz="America/New_York").start == datetime(
        2026, 10, 1, 4, 0, tzinfo=UTC
    )
    assert period_for("qtd", now=new_year, tz="UTC").start == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        period_for("12x", now=now, tz="UTC")
