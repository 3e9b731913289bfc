"""The SDR → AE stage in `/handshake summary` and the `/handshake criteria` report, on
SQLite and PostgreSQL, against the hand-built history of tests/storage/meeting_data.py
(read at NOW over the last 30 days unless said): every figure is worked out by hand from
its table, scope by scope."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.reports.common import Timing
from bot.reports.criteria import Acceptance, criteria
from bot.reports.periods import period_for
from bot.reports.scope import scope_for
from bot.reports.stage import MeetingCounts
from bot.reports.summary import summary
from bot.views.reports import build_criteria, build_summary
from sandbox.blockkit import check_message
from storage.db import read_only, unit_of_work
from storage.reports import StageCounts
from tests import factories as f
from tests.storage.meeting_data import NOW, SOL, build_meetings, meeting_config


@pytest.fixture
def config():
    return meeting_config()


@pytest.fixture
def built(engine):
    with unit_of_work(engine) as session:
        return build_meetings(session)


def report(engine, config, kind, viewer: str, period: str = "30d"):
    with read_only(engine) as session:
        return kind(
            session=session,
            config=config,
            scope=scope_for(config, viewer),
            now=NOW,
            period=period_for(period, now=NOW, tz="UTC"),
        )


def dumped(message: dict) -> str:
    return message["text"] + json.dumps(message["blocks"], ensure_ascii=False)


def test_the_stage_for_everyone(engine, config, built):
    stage = report(engine, config, summary, f.ADA).stage
    assert stage is not None
    # hand-offs H1–H12: accepted all but H10, H11; booked H1–H9; pipeline H1, H2, H5, H9
    assert stage.funnel == StageCounts(12, 10, 9, 4)
    # M1–M10: accepted M1 M3 M6 M10, sent back M2 M7 M8, rejected M4 M9, pending M5
    assert stage.meetings == MeetingCounts(10, 4, 3, 2, 1)
    assert stage.meetings.acceptance_rate == pytest.approx(4 / 9)
    assert [(r.name, r.counts) for r in stage.by_sdr] == [
        ("Sam Diaz", MeetingCounts(6, 3, 1, 1, 1)),  # M1 M2 M3 M4 M5 M10: 3 of 5 decided
        ("Sol Santos", MeetingCounts(4, 1, 2, 1, 0)),  # M6 M7 M8 M9: 1 of 4
    ]
    assert [(r.name, r.counts) for r in stage.by_ae] == [
        ("Ana Alvarez", MeetingCounts(5, 3, 1, 1, 0)),  # M1 M2 M3 M6 M9: 3 of 5
        ("Ben Brooks", MeetingCounts(5, 1, 2, 1, 1)),  # M4 M5 M7 M8 M10: 1 of 4
    ]
    # 0 60 120 180 [240] 300 360 480 600 minutes: median 240, p90 480 + 0.2 × 120
    assert stage.to_decision == Timing(9, 240.0, 504.0)


def test_a_rep_sees_only_their_own_meetings(engine, config, built):
    sam = report(engine, config, summary, f.SAM).stage
    assert sam is not None
    assert sam.funnel == StageCounts(7, 6, 5, 3)  # H1–H4, H9, H10, H12
    assert sam.meetings == MeetingCounts(6, 3, 1, 1, 1)
    assert {r.slack_id for r in sam.by_sdr} == {f.SAM}  # Sol's meetings are not in it
    # Sam's decided: 120 240 60 600 0 → 0 60 [120] 240 600; p90 at 3.6: 240 + 0.6 × 360
    assert sam.to_decision == Timing(5, 120.0, 456.0)
    ana = report(engine, config, summary, f.ANA).stage  # an AE: the meetings she got
    assert ana is not None and ana.meetings == MeetingCounts(5, 3, 1, 1, 0)
    assert ana.funnel == StageCounts(4, 4, 4, 3)  # H1 H2 H5 H8
    assert {r.slack_id for r in ana.by_ae} == {f.ANA}
    text = dumped(build_summary(report(engine, config, summary, f.SAM), tz="UTC"))
    assert "Meetings by SDR" not in text and "Sol Santos" not in text and "Ben Brooks" not in text


def test_a_manager_sees_their_teams_meetings(engine, config, built):
    emea = report(engine, config, summary, f.MAX).stage  # Sol is in Max's team
    assert emea is not None
    assert emea.meetings == MeetingCounts(4, 1, 2, 1, 0)
    assert emea.funnel == StageCounts(5, 4, 4, 1)  # H5–H8, H11; pipeline: H5
    enterprise = report(engine, config, summary, f.MAYA).stage  # Sam, and Ana and Ben as AEs
    assert enterprise is not None and enterprise.meetings.booked == 10


def test_without_meetings_the_summary_is_as_before(engine, config, built):
    assert report(engine, config, summary, f.CARA).stage is None  # no meeting of hers
    later = NOW + timedelta(days=60)
    with read_only(engine) as session:
        quiet = summary(
            session=session,
            config=config,
            scope=scope_for(config, f.ADA),
            now=later,
            period=period_for("7d", now=later, tz="UTC"),
        )
    assert quiet.stage is None
    assert "SDR → AE" not in dumped(build_summary(quiet, tz="UTC"))


def test_the_summary_shows_the_stage(engine, config, built):
    message = build_summary(report(engine, config, summary, f.ADA), tz="UTC")
    assert check_message(message["text"], message["blocks"]) == []
    text = dumped(message)
    assert (
        "MQL *12* → SDR-accepted *10* (83%) → Meeting booked *9* (90%) → "
        "Accepted into pipeline *4* (44%)"
    ) in text
    assert "*SDR → AE acceptance*\\n4 of 9 decided (44%)" in text
    assert "*Sent back to the SDR*\\n3 (33%)" in text and "*Awaiting the AE*\\n1" in text
    assert "*Meeting to AE decision*\\nmedian 4h · p90 8h 24m (9)" in text
    assert "Sam Diaz                6    3    1    1    1   60%" in text
    assert "Ben Brooks              5    1    2    1    1   25%" in text


def test_criteria_for_everyone(engine, config, built):
    found = report(engine, config, criteria, f.ADA)
    rows = {r.code: r for r in found.rows}
    assert [r.code for r in found.rows] == ["VALUE", "PROFIT", "COMPETE", "BUDGET"]
    A = Acceptance
    # decided meetings only (M5 is pending); accepted: M1 M3 M6 M10
    assert (rows["VALUE"].yes, rows["VALUE"].unsure, rows["VALUE"].no) == (
        A(3, 6),
        A(1, 1),
        A(0, 2),
    )
    assert (rows["PROFIT"].yes, rows["PROFIT"].unsure, rows["PROFIT"].no) == (
        A(4, 6),
        A(0, 2),
        A(0, 1),
    )
    assert (rows["COMPETE"].yes, rows["COMPETE"].unsure, rows["COMPETE"].no) == (
        A(3, 5),
        A(1, 2),
        A(0, 2),
    )
    assert (rows["BUDGET"].yes, rows["BUDGET"].no) == (A(0, 0), A(1, 1))
    assert rows["BUDGET"].retired and not rows["VALUE"].retired
    assert [r.sent_back for r in found.rows] == [1, 2, 0, 0]  # M8; M2, M7
    assert (found.decided, found.sent_back) == (9, 3)
    assert found.most_failed is rows["PROFIT"]
    message = build_criteria(found, tz="UTC")
    assert check_message(message["text"], message["blocks"]) == []
    text = dumped(message)
    assert "VALUE             3/6 50%   1/1 100%     0/2 0%     1" in text
    assert "BUDGET †                —          —   1/1 100%     0" in text
    assert "Most common failed criterion on Send back: *PROFIT* (2 of 3 send-backs)" in text
    assert "Can we deliver with profit?" in text and "retired: no longer in the config" in text


def test_criteria_in_scope_and_over_the_default_window(engine, config, built):
    sam = {r.code: r for r in report(engine, config, criteria, f.SAM).rows}
    assert (sam["VALUE"].yes, sam["VALUE"].no) == (Acceptance(3, 4), Acceptance(0, 1))  # M1-4, M10
    assert [r.sent_back for r in sam.values()] == [0, 1, 0, 0]  # M2
    sol = report(engine, config, criteria, SOL)
    assert [r.code for r in sol.rows] == ["VALUE", "PROFIT", "COMPETE"]  # BUDGET: Sam's only
    assert [r.sent_back for r in sol.rows] == [1, 1, 0]  # M8 VALUE, M7 PROFIT
    assert sol.most_failed is sol.rows[0]  # a tie: the first in the config's order
    cara = report(engine, config, criteria, f.CARA)
    assert cara.decided == 0 and cara.most_failed is None
    assert "has been decided yet" in dumped(build_criteria(cara, tz="UTC"))
    # 90 days reach M0 (accepted; LEGACY yes; VALUE no): a second retired code
    older = report(engine, config, criteria, f.ADA, "90d")
    rows = {r.code: r for r in older.rows}
    assert list(rows) == ["VALUE", "PROFIT", "COMPETE", "BUDGET", "LEGACY"]
    assert rows["VALUE"].no == Acceptance(1, 3) and rows["LEGACY"].yes == Acceptance(1, 1)
