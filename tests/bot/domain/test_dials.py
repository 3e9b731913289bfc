"""Dials, pure: up / down within the range, the quarter's end, a weight's parts, the weights
Home's menu offers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config.routing import QuarterEndConfig
from bot.domain.dials import (
    dial_base,
    end_of_quarter,
    parse_weight,
    stepped,
    weight_parts,
)
from bot.domain.weights import WeightFacts
from bot.views.home_dials import weight_choices

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("current", "step", "weight", "clamped"),
    [(1, 1, 2, False), (2.5, 1, 3, True), (3, 1, 3, True), (0.5, -1, 0, True), (2, -1, 1, False)],
)
def test_stepped_holds_within_the_range(current, step, weight, clamped):
    moved = stepped(current, step, 0, 3)
    assert (moved.weight, moved.clamped) == (weight, clamped)


def test_up_and_down_start_from_the_dial_in_force_else_the_roster_weight():
    assert dial_base(WeightFacts("ae", weight=1.5), TODAY) == 1.5
    assert dial_base(WeightFacts("ae", weight=1.5, dial_weight=3), TODAY) == 3
    ended = WeightFacts("ae", weight=1.5, dial_weight=3, dial_until=date(2026, 11, 22))
    assert dial_base(ended, TODAY) == 1.5


@pytest.mark.parametrize(
    ("start_month", "last"),
    [(None, date(2026, 12, 31)), (1, date(2026, 12, 31)), (2, date(2027, 1, 31)),
     (3, date(2026, 11, 30)), (11, date(2027, 1, 31))],
)  # fmt: skip
def test_end_of_quarter(start_month, last):
    boost = QuarterEndConfig(start_month=start_month) if start_month else None
    assert end_of_quarter(TODAY, boost) == last


def test_weight_parts_name_each_factor():
    facts = WeightFacts(
        "ae",
        weight=1,
        dial_weight=2,
        dial_until=date(2026, 12, 31),
        ramp_start=date(2026, 11, 9),
        ramp_weeks=4,
    )
    parts = weight_parts(facts, date(2026, 12, 23), QuarterEndConfig(days=10, weight=2))
    assert parts.dial == 2 and parts.dial_until == date(2026, 12, 31)
    assert parts.ramp == 1 and parts.ramp_full_on is None  # ramped up on 2026-12-07
    assert (parts.boost, parts.boost_until) == (2, date(2026, 12, 31))
    assert parts.effective == 4
    early = weight_parts(facts, TODAY, QuarterEndConfig(days=10, weight=2))
    assert early.ramp == pytest.approx(0.25 + 0.75 * 14 / 28)
    assert early.ramp_full_on == date(2026, 12, 7)
    assert (early.boost, early.boost_until) == (1, None)
    assert early.effective == pytest.approx(2 * early.ramp)


@pytest.mark.parametrize(
    ("text", "weight"),
    [("2", 2.0), ("0", 0.0), ("1.5", 1.5), ("0.25", 0.25), ("100", 100.0),
     ("1.555", None), ("-1", None), ("1e3", None), ("٣", None), ("", None), (None, None),
     (2, None), ("1,5", None), (" 2", None)],
)  # fmt: skip
def test_parse_weight(text, weight):
    assert parse_weight(text) == weight


def test_menu_weights_fit_a_select_whatever_the_range():
    assert weight_choices(0, 3, None) == [0, 0.5, 1, 1.5, 2, 2.5, 3]
    assert weight_choices(0, 3, 1.25) == [0, 0.5, 1, 1.25, 1.5, 2, 2.5, 3]
    wide = weight_choices(0, 100, None)
    assert len(wide) <= 99 and wide[0] == 0 and wide[-1] <= 100
