"""storage.reports.meetings on both backends, against the hand-built history of
tests/storage/meeting_data.py: every number below is counted by hand from its table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.db import unit_of_work
from storage.reports import (
    StageCounts,
    Window,
    answer_tallies,
    failed_criteria,
    meeting_decision_minutes,
    meeting_tallies,
    stage_counts,
)
from tests import factories as f
from tests.storage.meeting_data import NOW, SOL, build_meetings, meeting_config


@pytest.fixture
def config():
    return meeting_config()


@pytest.fixture
def built(engine):
    with unit_of_work(engine) as session:
        return build_meetings(session)


EVERYONE = Window(NOW - timedelta(days=30), NOW)


def scoped(*owners: str) -> Window:
    return Window(EVERYONE.since, EVERYONE.until, frozenset(owners))


def test_stage_counts_follow_the_hand_offs_of_the_window(engine, built):
    with unit_of_work(engine) as session:
        everyone = stage_counts(EVERYONE, session=session)
        sam = stage_counts(scoped(f.SAM), session=session)
        ana = stage_counts(scoped(f.ANA), session=session)  # an AE: the hand-offs she got
        later = stage_counts(Window(NOW, NOW + timedelta(days=1)), session=session)
    # H1–H12; accepted: all but H10, H11; booked: H1–H9; pipeline: H1, H2 (M3), H5, H9
    assert everyone == StageCounts(12, 10, 9, 4)
    # Sam's H1, H2, H3, H4, H9, H10, H12; accepted: not H10; booked: H1–H4, H9
    assert sam == StageCounts(7, 6, 5, 3)
    # H1, H2, H5, H8 had a meeting for Ana; H1, H2, H5 were accepted into pipeline
    assert ana == StageCounts(4, 4, 4, 3)
    assert later == StageCounts(0, 0, 0, 0)


def test_meetings_by_sdr_ae_and_status(engine, built):
    with unit_of_work(engine) as session:
        everyone = meeting_tallies(EVERYONE, session=session)
        sol = meeting_tallies(scoped(SOL), session=session)
    found = {(t.sdr_id, t.ae_id, t.status): t.count for t in everyone}
    assert found == {
        (f.SAM, f.ANA, "accepted"): 2,  # M1, M3
        (f.SAM, f.ANA, "sent_back"): 1,  # M2
        (f.SAM, f.BEN, "rejected"): 1,  # M4
        (f.SAM, f.BEN, "pending"): 1,  # M5
        (f.SAM, f.BEN, "accepted"): 1,  # M10
        (SOL, f.ANA, "accepted"): 1,  # M6
        (SOL, f.BEN, "sent_back"): 2,  # M7, M8
        (SOL, f.ANA, "rejected"): 1,  # M9
    }  # M0 was booked long before the window
    assert sum(t.count for t in sol) == 4 and {t.sdr_id for t in sol} == {SOL}


def test_minutes_from_meeting_to_decision(engine, built):
    with unit_of_work(engine) as session:
        everyone = meeting_decision_minutes(EVERYONE, session=session, fractions=(0.5, 0.9))
        ben = meeting_decision_minutes(scoped(f.BEN), session=session, fractions=(0.5, 0.9))
        none = meeting_decision_minutes(scoped(f.CARA), session=session, fractions=(0.5,))
    # decided: 120, 240, 60, 600, 360, 180, 480, 300 and M10's -60 as 0 minutes; sorted
    # 0 60 120 180 [240] 300 360 480 600: median 240; p90 at 7.2: 480 + 0.2 × 120 = 504
    assert everyone is not None and everyone.count == 9
    assert everyone.values == (240.0, 504.0)
    # Ben's M4 600, M7 180, M8 480, M10 0: median (180 + 480) / 2; p90 at 2.7: 480 + 0.7 × 120
    assert ben is not None and ben.values == (330.0, 564.0)
    assert none is None
    with unit_of_work(engine) as session:
        fastest = meeting_decision_minutes(EVERYONE, session=session, fractions=(0.0,))
    assert fastest is not None and fastest.values == (0.0,)  # M10, an hour early: 0, not -60


def test_answers_by_criterion_and_outcome(engine, built):
    with unit_of_work(engine) as session:
        tallies = answer_tallies(EVERYONE, session=session)
        sol = answer_tallies(scoped(SOL), session=session)
    found = {(t.code, t.answer, t.status): t.count for t in tallies}
    assert found[("VALUE", "yes", "accepted")] == 3  # M1, M3, M10
    assert found[("VALUE", "yes", "sent_back")] == 2  # M2, M7
    assert found[("PROFIT", "no", "pending")] == 1  # M5
    assert found[("COMPETE", "no", "rejected")] == 2  # M4, M9
    assert found[("BUDGET", "no", "accepted")] == 1  # M10
    assert sum(t.count for t in tallies) == 31  # ten meetings × 3 answers, and BUDGET
    assert not any(t.code == "LEGACY" for t in tallies)  # M0: outside the window
    assert sum(t.count for t in sol) == 12  # M6–M9
    assert {(t.code, t.answer) for t in sol if t.status == "accepted"} == {
        ("VALUE", "unsure"), ("PROFIT", "yes"), ("COMPETE", "yes"),
    }  # fmt: skip


def test_failed_criteria_on_send_back(engine, built):
    with unit_of_work(engine) as session:
        everyone = failed_criteria(EVERYONE, session=session)
        sam = failed_criteria(scoped(f.SAM), session=session)
    assert everyone == {"PROFIT": 2, "VALUE": 1}  # M2, M7; M8
    assert sam == {"PROFIT": 1}  # M2
