"""`/handshake` through signed slash-command requests."""

from __future__ import annotations

from datetime import date

import pytest

from storage.db import unit_of_work
from storage.people import get_person
from tests import factories as f
from tests.helpers import ephemeral_texts, wait_for


def answer(bot, user: str, text: str) -> str:
    before = len(ephemeral_texts(bot.slack, user))
    response = bot.peer.command(user, text)
    assert response.status_code == 200
    return wait_for(lambda: ephemeral_texts(bot.slack, user)[before:])[0]


def test_help_lists_the_commands(bot):
    text = answer(bot, f.MAYA, "help")
    assert "/handshake away" in text and "/handshake capacity" in text
    assert answer(bot, f.MAYA, "") == text


def test_unknown_subcommand_gets_a_usage_answer_with_the_word_escaped(bot):
    text = answer(bot, f.ANA, "<!channel> now")
    assert "/handshake help" in text
    assert "<!channel>" not in text


def test_away_until_a_date_and_back(bot):
    assert "away until 2026-12-01" in answer(bot, f.ANA, "away until 2026-12-01")
    with unit_of_work(bot.runtime.engine) as session:
        person = get_person(f.ANA, session=session)
        assert person.away_until == date(2026, 12, 1) and person.settings_from_slack
    assert "2026-12-02" in answer(bot, f.ANA, "away 2026-12-02")
    assert "Welcome back" in answer(bot, f.ANA, "away off")
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.ANA, session=session).away_until is None


def test_away_skips_the_rep_in_routing(bot):
    answer(bot, f.ANA, "away until 2026-12-01")
    assert bot.post_lead(f.lead_body()).json()["owner"] == f.BEN


@pytest.mark.parametrize(
    "text",
    [
        "away",
        "away until",
        "away soon",
        "away 2026-13-01",
        "away until 2020-01-01",
        "away 2026-12-01 2026-12-02",
    ],
)
def test_bad_away_arguments_get_usage(bot, text):
    reply = answer(bot, f.ANA, text)
    assert "Usage" in reply
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.ANA, session=session).away_until is None


def test_capacity_set_and_off(bot):
    assert "at most 3" in answer(bot, f.BEN, "capacity 3")
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.BEN, session=session).capacity_per_day == 3
    assert "off" in answer(bot, f.BEN, "capacity off")
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.BEN, session=session).capacity_per_day is None


@pytest.mark.parametrize(
    "text",
    ["capacity", "capacity many", "capacity -1", "capacity 0", "capacity 1 2", "capacity 5000"],
)
def test_bad_capacity_arguments_get_usage(bot, text):
    assert "Usage" in answer(bot, f.BEN, text)


def test_someone_not_on_the_roster_is_told_so(bot):
    bot.slack.state.add_user("U0STRANGER", "stranger")
    assert "not on the Handshake roster" in answer(bot, "U0STRANGER", "capacity 3")


def test_app_home_shows_the_queue(bot):
    created = bot.post_lead(f.lead_body(first_name="Quinn", last_name="Home")).json()
    bot.peer.event({"type": "app_home_opened", "user": created["owner"], "tab": "home"})
    home = wait_for(lambda: bot.slack.state.home(created["owner"]))
    assert "Quinn Home" in str(home.payload["blocks"])
