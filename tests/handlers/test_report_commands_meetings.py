"""The SDR → AE stage through signed slash commands to the served bot: `/handshake summary`
carries it in each caller's scope, `/handshake criteria` answers, a bad window is told
plainly. The hand-built meetings of tests/storage/meeting_data.py, read at its NOW."""

from __future__ import annotations

import pytest

from storage.db import unit_of_work
from tests import factories as f
from tests.handlers.test_report_commands import ask, shown
from tests.storage.meeting_data import NOW, build_meetings, meeting_config


@pytest.fixture
def config():
    return meeting_config()


@pytest.fixture
def meetings(bot):
    with unit_of_work(bot.runtime.engine) as session:
        build_meetings(session)
    bot.runtime.clock.now = NOW


FUNNEL = (
    "MQL *12* → SDR-accepted *10* (83%) → Meeting booked *9* (90%) → "
    "Accepted into pipeline *4* (44%)"
)


def test_the_summary_carries_the_stage_in_each_scope(bot, meetings):
    admin = shown(ask(bot, f.ADA, "summary 30d"))
    assert FUNNEL in admin and "4 of 9 decided (44%)" in admin
    assert "Sol Santos" in admin and "Meetings by AE" in admin
    sam = shown(ask(bot, f.SAM, "summary 30d"))
    assert "MQL *7* → SDR-accepted *6* (86%) → Meeting booked *5* (83%)" in sam
    assert "3 of 5 decided (60%)" in sam and "median 2h · p90 7h 36m (5)" in sam
    assert "Sol Santos" not in sam and "Meetings by SDR" not in sam
    cara = shown(ask(bot, f.CARA, "summary 30d"))  # no meeting of hers: the summary as before
    assert "SDR → AE" not in cara


def test_criteria_answers_with_the_default_window_and_refuses_a_bad_one(bot, meetings):
    answer = ask(bot, f.ADA, "criteria 30d")
    assert answer.via == "response_url"
    text = shown(answer)
    assert "Qualification criteria default: last 30 days" in text
    assert "VALUE             3/6 50%   1/1 100%     0/2 0%     1" in text
    assert "*PROFIT* (2 of 3 send-backs)" in text
    default = shown(ask(bot, f.ADA, "criteria"))
    assert "last 90 days" in default and "LEGACY †" in default  # M0 is 47 days old
    mine = shown(ask(bot, f.SAM, "criteria 30d"))
    assert "VALUE             3/4 75%          —     0/1 0%     0" in mine
    bad = shown(ask(bot, f.ADA, "criteria 12d"))
    assert "`12d` is not a period (7d, 30d, 90d, qtd)" in bad and "/handshake criteria" in bad
    assert "criteria [7d|30d|90d|qtd]" in shown(ask(bot, f.ADA, "help"))
