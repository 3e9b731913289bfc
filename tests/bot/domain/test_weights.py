"""The weighted round robin and a person's weight of the day: pure rules on fixed dates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from bot.config.routing import QuarterEndConfig
from bot.domain.availability import AvailabilityFacts, unavailable_now
from bot.domain.routing import AWAY, DEACTIVATED, Rep, weighted_turn
from bot.domain.weights import (
    WeightFacts,
    effective_weight,
    quarter_boost,
    quarter_last_day,
    ramp_factor,
)

TODAY = date(2026, 11, 23)


def rotation(**weights: float) -> list[Rep]:
    return [
        Rep(name, f"{name}@example.com", "ae", "t", i, weight=w)
        for i, (name, w) in enumerate(weights.items())
    ]


def deal(reps: list[Rep], leads: int, passes=None, cursor=None) -> tuple[list[str], dict, str]:
    chosen: list[str] = []
    for _ in range(leads):
        turn = weighted_turn(reps, cursor, passes, frozenset(), TODAY)
        assert turn.chosen is not None
        chosen.append(turn.chosen.slack_id)
        passes, cursor = turn.passes, turn.chosen.slack_id
    return chosen, passes or {}, cursor or ""


def test_three_to_one_splits_forty_leads_thirty_ten_spread_out():
    chosen, _, _ = deal(rotation(a=3, b=1), 40)
    assert chosen.count("a") == 30 and chosen.count("b") == 10
    assert chosen[:4] == ["a", "b", "a", "a"]  # never all of a first (a tie: after the cursor)
    for n in range(1, 41):  # every prefix within one lead of its weighted share
        assert abs(chosen[:n].count("b") - n / 4) <= 1


def test_equal_weights_are_the_plain_rotation_in_roster_order():
    chosen, _, _ = deal(rotation(a=1, b=1, c=1), 7)
    assert chosen == ["a", "b", "c", "a", "b", "c", "a"]
    chosen, _, _ = deal(rotation(a=1, b=1, c=1), 3, cursor="a")  # carries on after the cursor
    assert chosen == ["b", "c", "a"]


def test_a_weight_changed_mid_sequence_and_a_restart_from_the_stored_passes():
    reps = rotation(a=1, b=1)
    first, passes, cursor = deal(reps, 10)
    assert first.count("a") == first.count("b") == 5
    heavier = [dataclasses.replace(reps[0], weight=3), reps[1]]
    # A restart: the next deal starts from the stored passes and cursor only.
    then, _, _ = deal(heavier, 40, passes=dict(passes), cursor=cursor)
    assert then.count("a") == 30 and then.count("b") == 10


def test_weight_zero_and_the_unavailable_are_passed_over_with_their_reasons():
    reps = rotation(a=1, b=0, c=1)
    reps[2] = dataclasses.replace(reps[2], away_until=TODAY)
    turn = weighted_turn(reps, None, None, frozenset(), TODAY)
    assert turn.chosen is not None and turn.chosen.slack_id == "a"
    assert turn.shares == {"a": 1.0}
    assert {k: s.kind for k, s in turn.skipped.items()} == {"c": AWAY}
    nobody = weighted_turn([reps[1]], None, {"b": 2.0}, frozenset(), TODAY)
    assert nobody.chosen is None and nobody.passes is None


@pytest.mark.parametrize(
    ("today", "factor"),
    [
        (date(2026, 11, 30), 0.25),  # before the start: a quarter
        (date(2026, 12, 1), 0.25),  # the first day
        (date(2026, 12, 22), 0.25 + 0.75 * 21 / 42),  # three weeks in: halfway
        (date(2027, 1, 12), 1.0),  # six weeks on: all of it
        (date(2027, 6, 1), 1.0),
    ],
)
def test_ramp_grows_linearly_from_a_quarter(today, factor):
    assert ramp_factor(date(2026, 12, 1), 6, today) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("today", "start_month", "last_day"),
    [
        (date(2026, 11, 23), 1, date(2026, 12, 31)),
        (date(2026, 1, 1), 1, date(2026, 3, 31)),
        (date(2026, 3, 31), 1, date(2026, 3, 31)),
        (date(2026, 11, 23), 2, date(2027, 1, 31)),  # quarters Feb, May, Aug, Nov
        (date(2026, 1, 15), 2, date(2026, 1, 31)),
        (date(2026, 6, 30), 7, date(2026, 6, 30)),  # fiscal year from July
        (date(2024, 2, 10), 12, date(2024, 2, 29)),  # a leap year
    ],
)
def test_the_last_day_of_the_quarter(today, start_month, last_day):
    assert quarter_last_day(today, start_month) == last_day


def test_quarter_end_boost_for_its_roles_in_its_last_days():
    boost = QuarterEndConfig(days=30, weight=2, roles=["ae"], start_month=1)
    assert quarter_boost("ae", date(2026, 12, 1), boost) == 1.0  # 30 days left
    assert quarter_boost("ae", date(2026, 12, 2), boost) == 2.0  # 29 days left
    assert quarter_boost("ae", date(2026, 12, 31), boost) == 2.0
    assert quarter_boost("ae", date(2027, 1, 1), boost) == 1.0
    assert quarter_boost("sdr", date(2026, 12, 31), boost) == 1.0
    assert quarter_boost("ae", date(2026, 12, 31), None) == 1.0


def test_effective_weight_dial_ramp_and_boost_together():
    boost = QuarterEndConfig(days=30, weight=2, roles=["ae"])
    facts = WeightFacts(role="ae", weight=1, ramp_start=date(2026, 12, 1), ramp_weeks=6)
    assert effective_weight(facts, date(2026, 12, 22), boost) == pytest.approx(0.625 * 2)
    dialed = dataclasses.replace(facts, dial_weight=3, dial_until=date(2026, 12, 24))
    ramp = ramp_factor(date(2026, 12, 1), 6, date(2026, 12, 24))
    assert effective_weight(dialed, date(2026, 12, 24), None) == pytest.approx(3 * ramp)
    assert effective_weight(dialed, date(2026, 12, 25), None) == pytest.approx(
        ramp_factor(date(2026, 12, 1), 6, date(2026, 12, 25))
    )  # the dial's last day has passed: the roster weight again


def test_timed_absence_status_and_deactivation():
    at = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    window = AvailabilityFacts(away_from=at, away_to=datetime(2026, 12, 28, 9, tzinfo=UTC))
    assert unavailable_now(window, at.replace(hour=11, minute=59)) is None
    skip = unavailable_now(window, at)
    assert skip is not None and skip.kind == AWAY and "2026-12-28T09:00" in skip.why
    assert unavailable_now(window, datetime(2026, 12, 28, 9, tzinfo=UTC)) is None
    naive = AvailabilityFacts(away_to=datetime(2026, 12, 28, 9))  # SQLite: naive UTC
    assert unavailable_now(naive, at) is not None
    status = unavailable_now(AvailabilityFacts(status_away=True, status_text="OOO"), at)
    assert status is not None and status.kind == AWAY and "OOO" in status.why
    gone = unavailable_now(AvailabilityFacts(deactivated=True, status_away=True), at)
    assert gone is not None and gone.kind == DEACTIVATED


def test_an_absence_banks_no_backlog():
    reps = rotation(a=1, b=1, c=1)
    away = [reps[0], dataclasses.replace(reps[1], away_until=TODAY), reps[2]]
    during, passes, cursor = deal(away, 10)
    assert "b" not in during
    after, _, _ = deal(reps, 6, passes=dict(passes), cursor=cursor)
    assert sorted(after) == ["a", "a", "b", "b", "c", "c"]  # b back in turn, not b b b …
