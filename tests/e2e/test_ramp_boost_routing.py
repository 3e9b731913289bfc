"""The ramp and the end-of-quarter boost on fixed dates, as routing through intake sees them
and as `/handshake dial` explains them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import parse_config
from tests import factories as f
from tests.e2e.test_dial_routing import AES, expected, split
from tests.handlers.test_dial_command import answer

RAMPED = [
    {**p, "ramp": {"start": "2026-11-23", "weeks": 4}} if p["slack_id"] == f.ANA else p
    for p in f.PEOPLE
]


@pytest.fixture
def config():
    return parse_config(
        f.config_data(
            people=RAMPED,
            routing={"quarter_end": {"days": 10, "weight": 2, "roles": ["ae"], "start_month": 2}},
        )
    )


@pytest.fixture
def clock():
    return f.FakeClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))


def test_the_ramp_grows_a_new_reps_share(bot, clock):
    # Day 0: a quarter of the weight.
    assert split(bot, 36) == expected({f.ANA: 0.25, f.BEN: 1, f.CARA: 1}, 36)  # 4 / 16 / 16
    assert "ramping up 25%, full weight on 2026-12-21" in answer(bot, f.ANA, "dial")
    # Two weeks in: (0.25 + 0.75 * 14 / 28) = 0.625.
    clock.advance(days=14)
    assert split(bot, 42) == expected({f.ANA: 0.625, f.BEN: 1, f.CARA: 1}, 42)
    # Four weeks in: all of it.
    clock.advance(days=14)
    assert split(bot, 30) == expected(dict.fromkeys(AES, 1), 30)
    assert "*1* today: roster weight 1" in answer(bot, f.ANA, "dial")


def test_the_quarter_boost_shows_in_its_last_days(bot, clock):
    # Quarters start in February: this one ends 2027-01-31; the boost covers its last 10 days.
    clock.now = datetime(2027, 1, 21, 14, 0, tzinfo=UTC)
    assert "end-of-quarter" not in answer(bot, f.BEN, "dial")
    clock.now = datetime(2027, 1, 22, 14, 0, tzinfo=UTC)
    text = answer(bot, f.BEN, "dial")
    assert "*2* today: roster weight 1 × end-of-quarter boost ×2 until 2027-01-31" in text
    assert "boost" not in answer(bot, f.SAM, "dial")  # an SDR: not among its roles
    # Everyone in a rotation is boosted alike, so a dial still splits as its weights say.
    answer(bot, f.BEN, "dial 3")
    owners = split(bot, 50)
    assert owners == expected({f.ANA: 1, f.BEN: 3, f.CARA: 1}, 50)
    clock.now = datetime(2027, 2, 1, 14, 0, tzinfo=UTC)
    assert "boost" not in answer(bot, f.BEN, "dial")
