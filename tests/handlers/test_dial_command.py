"""`/handshake dial` through signed slash commands: a rep's own dial, a manager's dial of a
rep of their team (and not of another team), the range, and the dial's answer."""

from __future__ import annotations

from datetime import date

import pytest

from storage.db import unit_of_work
from storage.events import events_of_kind
from storage.people import get_person
from tests import factories as f
from tests.helpers import dm_messages, ephemeral_texts, wait_for


def answer(bot, user: str, text: str) -> str:
    before = len(ephemeral_texts(bot.slack, user))
    response = bot.peer.command(user, text)
    assert response.status_code == 200
    return wait_for(lambda: ephemeral_texts(bot.slack, user)[before:])[0]


def dial_of(bot, slack_id: str):
    with unit_of_work(bot.runtime.engine) as session:
        person = get_person(slack_id, session=session)
        return person.dial_weight, person.dial_until, person.dial_by


def test_dial_shows_the_weight_and_why(bot):
    text = answer(bot, f.ANA, "dial")
    assert "Your weight in the round robin: *1* today: roster weight 1" in text
    assert dial_of(bot, f.ANA) == (None, None, None)


def test_a_rep_dials_up_down_to_a_number_and_off(bot):
    text = answer(bot, f.ANA, "dial up")
    assert "Dialed. Your weight in the round robin is now *2*" in text
    assert "dialed to 2 until dialed again (roster weight 1)" in text
    assert dial_of(bot, f.ANA) == (2.0, None, f.ANA)
    assert "is now *3*" in answer(bot, f.ANA, "dial up")
    held = answer(bot, f.ANA, "dial up")
    assert "is now *3*" in held and "Held at the highest weight" in held and "0 to 3" in held
    assert "is now *1.5*" in answer(bot, f.ANA, "dial 1.5 until 2026-12-04")
    assert dial_of(bot, f.ANA) == (1.5, date(2026, 12, 4), f.ANA)
    assert "is now *0.5*" in answer(bot, f.ANA, "dial down")  # from the dial in force
    zero = answer(bot, f.ANA, "dial down")
    assert (
        "is now *0*" in zero and "Held at the lowest" in zero and "no new leads reach you" in zero
    )
    text = answer(bot, f.ANA, "dial off")
    assert "is now *1* today: roster weight 1" in text
    assert dial_of(bot, f.ANA) == (None, None, None)
    with unit_of_work(bot.runtime.engine) as session:
        events = events_of_kind("dial_set", session=session)
    assert [e.data["weight"] for e in events] == [2.0, 3.0, 3.0, 1.5, 0.5, 0.0, None]
    assert events[2].data["clamped"] and not events[1].data["clamped"]
    bot.deliver()
    assert not dm_messages(bot.slack, f.ANA)  # one's own dial: the answer says it all


def test_until_end_of_quarter_is_the_quarters_last_day(bot):
    text = answer(bot, f.BEN, "dial 2 until end-of-quarter")
    assert dial_of(bot, f.BEN) == (2.0, date(2026, 12, 31), f.BEN)
    assert "dialed to 2 until 2026-12-31" in text


@pytest.mark.parametrize("text", ["dial 4", "dial 3.5", "dial 100", "dial 999.99"])
def test_a_weight_outside_the_range_is_refused(bot, text):
    reply = answer(bot, f.ANA, text)
    assert "is outside the range of weights, 0 to 3" in reply
    assert dial_of(bot, f.ANA) == (None, None, None)


@pytest.mark.parametrize("text", ["dial sideways", "dial 2 until yesterday", "dial off until x"])
def test_bad_dial_text_gets_usage_and_changes_nothing(bot, text):
    assert "Usage" in answer(bot, f.ANA, text)
    assert dial_of(bot, f.ANA) == (None, None, None)


def test_a_manager_dials_a_rep_of_their_team(bot):
    text = answer(bot, f.MAYA, f"dial <@{f.BEN}|ben> 0 until 2026-11-30")
    assert "Ben Brooks's weight in the round robin is now *0*" in text
    assert "no new leads reach them" in text
    assert dial_of(bot, f.BEN) == (0.0, date(2026, 11, 30), f.MAYA)
    assert "Ben Brooks's weight in the round robin: *0*" in answer(bot, f.MAYA, f"dial <@{f.BEN}>")
    owners = {bot.post_lead(f.lead_body()).json()["owner"] for _ in range(4)}
    assert f.BEN not in owners and owners == {f.ANA, f.CARA}
    bot.deliver()
    told = [m.text for m in dm_messages(bot.slack, f.BEN) if "round robin" in m.text]
    assert told == [
        "Maya Moreau set your weight in the round robin to 0 until 2026-11-30 (then back to "
        "your roster weight); your roster weight is 1. `/handshake dial` shows your weight and why."
    ]
    answer(bot, f.MAYA, f"dial <@{f.BEN}> off")
    bot.deliver()
    told = [m.text for m in dm_messages(bot.slack, f.BEN) if "roster weight" in m.text]
    assert told[-1].startswith("Maya Moreau set you back to your roster weight, 1.")


def test_a_manager_cannot_dial_another_teams_rep(bot):
    text = answer(bot, f.MAX, f"dial <@{f.ANA}|ana> up")
    assert "only the reps of the teams you manage; Ana Alvarez is not one of them" in text
    assert dial_of(bot, f.ANA) == (None, None, None)
    assert "not one of them" in answer(bot, f.MAX, f"dial <@{f.ANA}>")  # not even to look


def test_a_rep_cannot_dial_a_teammate(bot):
    assert "not one of them" in answer(bot, f.BEN, f"dial <@{f.ANA}> 0")
    assert dial_of(bot, f.ANA) == (None, None, None)


def test_an_admin_dials_anyone(bot):
    answer(bot, f.ADA, f"dial <@{f.EVE}> 2")
    assert dial_of(bot, f.EVE) == (2.0, None, f.ADA)


@pytest.mark.parametrize(
    ("user", "text", "says"),
    [
        (f.MAYA, "dial up", "Only AEs and SDRs receive leads"),
        (f.MIA, "dial", "Only AEs and SDRs receive leads"),
        (f.ADA, f"dial <@{f.MIA}> 2", "Mia Marketer is not an AE or SDR"),
        (f.MAYA, "dial <@U0NOBODY1> 2", "not on the Handshake roster"),
    ],
)
def test_only_reps_have_a_weight(bot, user, text, says):
    assert says in answer(bot, user, text)


def test_someone_not_on_the_roster_is_told_so(bot):
    bot.slack.state.add_user("U0STRANGER", "stranger")
    assert "not on the Handshake roster" in answer(bot, "U0STRANGER", "dial up")
