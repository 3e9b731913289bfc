"""`/handshake recycled` through signed slash commands to the served bot, against the
hand-built hand-backs of tests/storage/recycle_data.py read at its NOW."""

from __future__ import annotations

import pytest

from storage.db import unit_of_work
from tests import factories as f
from tests.handlers.test_report_commands import ask, shown
from tests.storage.recycle_data import NOW, build_recycled


@pytest.fixture
def handbacks(bot):
    with unit_of_work(bot.runtime.engine) as session:
        build_recycled(session)
    bot.runtime.clock.now = NOW


def test_recycled_answers_with_the_default_window_and_refuses_a_bad_one(bot, handbacks):
    """90 days, everyone: N-TIMING B1–B3: 3 back, 2 returned (67%), 1 by intake, 1 by
    Re-engage, 2 accepted, 2 meetings; all: 7 back, 5 returned (71%), 2 intake, 3 Re-engage,
    3 accepted, 2 meetings. Ana alone: B1, B2, B3, B8 → 2 of 4 (50%)."""
    answer = ask(bot, f.ADA, "recycled")
    assert answer.via == "response_url"
    text = shown(answer)
    assert "Recycled leads: last 90 days" in text
    assert "Timing: the project i…     3     2 67%      1      1    2    2" in text
    assert "All reasons                7     5 71%      2      3    3    2" in text
    assert "No budget now              2    2 100%      1      1    0    0" in text
    assert "*5* of 7 handed-back leads came back (71%): 2 by intake, 3 by Re-engage" in text
    mine = shown(ask(bot, f.ANA, "recycled 90d"))
    assert "All reasons                4     2 50%      1      1    2    2" in mine
    assert "No budget now" not in mine
    bad = shown(ask(bot, f.ADA, "recycled 12d"))
    assert "`12d` is not a period (7d, 30d, 90d, qtd)" in bad and "/handshake recycled" in bad
    assert "recycled [7d|30d|90d|qtd]" in shown(ask(bot, f.ADA, "help"))
