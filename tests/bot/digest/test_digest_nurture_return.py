"""The digest's nurture return rate, on both backends, against the hand-built hand-backs of
tests/storage/recycle_data.py: shown when leads were handed back in the lookback (30–120
days before the period's end), left out when none were."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.digest.data import build_digest, period_of
from bot.digest.view import build_digest_message
from storage.db import unit_of_work
from tests.bot.digest.test_digest_view import dumped
from tests.storage.recycle_data import NOW, build_recycled

WEEK = timedelta(days=7)


@pytest.fixture
def built(engine):
    with unit_of_work(engine) as session:
        build_recycled(session)


def digest_ending(engine, config, end):
    with unit_of_work(engine) as session:
        return build_digest(session=session, config=config, period=period_of(end - WEEK, end))


def test_the_nurture_return_rate_over_the_lookback(engine, config, built):
    """Ending at NOW: handed back 30–120 days before it: B1 (60), B2 (50), B3 (40), B7 (100);
    B4 (29 days) is too recent. Came back: B1, B2, B7 → 3 of 4, 75%."""
    digest = digest_ending(engine, config, NOW)
    n = digest.nurture_return
    assert n is not None and (n.handed_back, n.came_back) == (4, 3)
    assert (n.since, n.until) == (NOW - timedelta(days=120), NOW - timedelta(days=30))
    text = dumped(build_digest_message(digest, tz=config.timezone, file_id=None))
    assert "*Nurture return rate*: 75%, 3 of 4 leads handed back 30–120 days ago came back" in text


def test_without_hand_backs_in_the_lookback_the_rate_is_left_out(engine, config, built):
    """Ending 200 days after NOW: the lookback [NOW + 80 days, NOW + 170 days) holds no
    hand-back (all are before NOW)."""
    digest = digest_ending(engine, config, NOW + timedelta(days=200))
    assert digest.nurture_return is None
    text = dumped(build_digest_message(digest, tz=config.timezone, file_id=None))
    assert "Nurture return rate" not in text
