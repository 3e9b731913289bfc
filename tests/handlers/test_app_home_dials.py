"""The dial on App Home: a rep's weight with its parts, the weight menu and the dial's
last day, clicked through signed requests; a manager's list of their reps' weights."""

from __future__ import annotations

from datetime import date

import pytest

from bot import ids
from bot.services import dials
from bot.views.dials import dial_text
from sandbox.interactions import Choice
from storage.db import unit_of_work
from storage.people import get_person
from tests import factories as f
from tests.handlers.test_app_home import home_after, open_home, person, text
from tests.handlers.test_dial_command import answer
from tests.handlers.test_hostile_values import HUGE, _home_action
from tests.helpers import wait_for


def pick(bot, user: str, home, action_id: str, **choice):
    return home_after(
        bot, user, lambda: bot.peer.act(user, action_id, view_id=home.id, choice=Choice(**choice))
    )


def menu(home) -> tuple[list[str], str]:
    block = next(
        b for b in home.payload["blocks"] if b.get("block_id", "").startswith(ids.HOME_DIAL_BLOCK)
    )
    accessory = block["accessory"]
    return [o["value"] for o in accessory["options"]], accessory["initial_option"]["value"]


def test_a_rep_sees_their_weight_and_a_menu_within_the_range(bot):
    home = open_home(bot, f.ANA)
    assert "*Your weight in the round robin*\\n*1* today: roster weight 1" in text(home)
    values, chosen = menu(home)
    assert values == ["off", "0", "0.5", "1", "1.5", "2", "2.5", "3"] and chosen == "off"
    assert ids.HOME_DIAL_UNTIL not in text(home)  # no dial: no last day to pick


def test_a_rep_dials_from_home_then_sets_its_last_day_then_resets(bot):
    home = pick(bot, f.ANA, open_home(bot, f.ANA), ids.HOME_DIAL, selected_option="2.5")
    assert (person(bot, f.ANA).dial_weight, person(bot, f.ANA).dial_until) == (2.5, None)
    assert "✅ Dialed. Your weight in the round robin is now *2.5*" in text(home)
    assert menu(home)[1] == "2.5" and "Until you dial again" in text(home)

    home = pick(bot, f.ANA, home, ids.HOME_DIAL_UNTIL, selected_date="2026-12-04")
    assert person(bot, f.ANA).dial_until == date(2026, 12, 4)
    assert "Ends after 2026-12-04" in text(home)
    home = pick(bot, f.ANA, home, ids.HOME_DIAL, selected_option="1.5")  # the last day stays
    assert (person(bot, f.ANA).dial_weight, person(bot, f.ANA).dial_until) == (
        1.5,
        date(2026, 12, 4),
    )

    home = pick(bot, f.ANA, home, ids.HOME_DIAL, selected_option="off")
    assert person(bot, f.ANA).dial_weight is None and person(bot, f.ANA).dial_until is None
    assert "is now *1* today: roster weight 1" in text(home)


def test_bad_picks_on_home_are_refused_with_a_line(bot):
    home = open_home(bot, f.ANA)
    home = pick(bot, f.ANA, home, ids.HOME_DIAL, selected_option="2")
    home = pick(bot, f.ANA, home, ids.HOME_DIAL_UNTIL, selected_date="2026-11-22")
    assert "⚠️ That day is in the past" in text(home)
    home = pick(bot, f.ANA, home, ids.HOME_DIAL_UNTIL, selected_date="2028-01-01")
    assert "⚠️ That day is more than a year ahead" in text(home)
    assert person(bot, f.ANA).dial_until is None


def test_a_manager_sees_their_reps_weights_only(bot):
    answer(bot, f.MAYA, f"dial <@{f.BEN}> 0 until 2026-11-30")
    shown = text(open_home(bot, f.MAYA))
    assert "Your reps' weights today" in shown
    assert "Ben Brooks: *0* (dialed to 0 until 2026-11-30 (roster weight 1))" in shown
    assert "Ana Alvarez: *1* (roster weight 1)" in shown and "Sam Diaz" in shown
    assert "Eve Evans" not in shown  # another team's
    assert "Eve Evans" in text(open_home(bot, f.ADA))  # an admin sees everyone's


def test_a_last_day_picked_on_a_home_shown_before_the_dial_was_reset(bot):
    home = pick(bot, f.ANA, open_home(bot, f.ANA), ids.HOME_DIAL, selected_option="2")
    answer(bot, f.ANA, "dial off")  # from a channel: the Home shown still has the picker
    home = pick(bot, f.ANA, home, ids.HOME_DIAL_UNTIL, selected_date="2026-12-04")
    assert "⚠️ Pick a weight first" in text(home)
    assert person(bot, f.ANA).dial_weight is None and person(bot, f.ANA).dial_until is None


@pytest.mark.parametrize(
    ("picked", "says"),
    [
        ("7", "7 is outside the range of weights, 0 to 3"),  # a menu drawn under a wider range
        ("lots", "Pick a weight from the list"),
        ("-1", "Pick a weight from the list"),
        (None, "Pick a weight from the list"),
        ({"value": "2"}, "Pick a weight from the list"),
    ],
)
def test_a_weight_not_on_the_menu_is_refused(runtime, picked, says):
    result = dials.dial_from_home(f.ANA, picked, runtime=runtime)
    assert result.outcome == dials.REFUSED and says in dial_text(result)
    with unit_of_work(runtime.engine) as session:
        assert get_person(f.ANA, session=session).dial_weight is None


@pytest.mark.parametrize("value", ["7", "²", "٣", HUGE, "-1", "1e3"])
def test_a_signed_weight_that_is_not_on_the_menu_is_refused_on_home(bot, value):
    home = open_home(bot, f.ANA)
    action = {
        "type": "static_select",
        "action_id": ids.HOME_DIAL,
        "block_id": ids.HOME_DIAL_BLOCK + "off",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }
    _home_action(bot, f.ANA, home.id, action)
    wait_for(lambda: "⚠️" in text(bot.slack.state.home(f.ANA)))
    assert person(bot, f.ANA).dial_weight is None


@pytest.mark.parametrize("picked", ["99999-01-01", "9999-12-31", "2026-1-1", None, 5])
def test_a_signed_last_day_that_is_malformed_or_absurd_is_refused_on_home(bot, picked):
    home = pick(bot, f.ANA, open_home(bot, f.ANA), ids.HOME_DIAL, selected_option="2")
    action = {
        "type": "datepicker",
        "action_id": ids.HOME_DIAL_UNTIL,
        "block_id": ids.HOME_DIAL_UNTIL_BLOCK + "none",
        "selected_date": picked,
    }
    _home_action(bot, f.ANA, home.id, action)
    wait_for(lambda: "⚠️" in text(bot.slack.state.home(f.ANA)))
    assert (person(bot, f.ANA).dial_weight, person(bot, f.ANA).dial_until) == (2.0, None)


@pytest.mark.parametrize(
    ("tz", "utc_hour", "accepted"),
    [
        ("America/Los_Angeles", 27, True),  # 19:00 on the 23rd there, the 24th in UTC
        ("Asia/Tokyo", 16, False),  # 01:00 on the 24th there, the 23rd in UTC
    ],
)
def test_homes_last_day_counts_from_the_reps_own_today(bot, clock, tz, utc_hour, accepted):
    from datetime import timedelta

    from storage.people import set_tz

    with unit_of_work(bot.runtime.engine) as session:
        set_tz(f.ANA, tz, session=session)
    clock.advance(hours=utc_hour - 14)  # from Monday 14:00 UTC
    home = pick(bot, f.ANA, open_home(bot, f.ANA), ids.HOME_DIAL, selected_option="2")
    home = pick(bot, f.ANA, home, ids.HOME_DIAL_UNTIL, selected_date="2026-11-23")
    if accepted:  # their today, as `/handshake dial 2 until 2026-11-23` has it
        assert person(bot, f.ANA).dial_until == date(2026, 11, 23)
    else:  # their yesterday
        assert "⚠️ That day is in the past" in text(home)
        assert person(bot, f.ANA).dial_until is None
    assert clock() - f.START == timedelta(hours=utc_hour - 14)


def test_a_time_zone_this_machine_does_not_know_falls_back_to_the_configs(bot, clock):
    """Slack may report a zone name the machine's tz database lacks: the dial, the
    manager's Home and the dials' end job all go on with the config's zone."""
    from bot.services.dials import expire_dials
    from storage import dials as dial_store
    from storage.people import set_tz
    from tests.handlers.test_dial_command import answer

    with unit_of_work(bot.runtime.engine) as session:
        set_tz(f.ANA, "America/Nowhere", session=session)
        dial_store.set_dial(f.ANA, 2.0, date(2026, 11, 20), f.ANA, session=session)
        dial_store.set_dial(f.BEN, 2.0, date(2026, 11, 21), f.BEN, session=session)
    assert "weight" in answer(bot, f.ANA, "dial")
    manager_home = open_home(bot, f.MAYA)
    assert "Ana Alvarez" in text(manager_home)
    assert expire_dials(bot.runtime) == 2  # both past their last day: Ben's is not held up
    assert person(bot, f.ANA).dial_weight is None and person(bot, f.BEN).dial_weight is None
