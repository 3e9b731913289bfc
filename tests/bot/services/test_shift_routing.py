"""On-shift routing (`routing.on_shift_only`): over a working day with reps in two time
zones, new leads go only to people inside their business hours; a lead that arrives when
nobody is on shift waits for the first shift to start, or for `routing.max_wait`, then
goes to the team's manager."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from bot.config import ConfigError, HandshakeConfig, parse_config
from bot.services.shift_wait import fire_waits
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.leads import get_lead
from storage.models import LEAD_ROUTED, LEAD_WAITING
from storage.people import set_away, set_tz
from tests import factories as f

HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
ZONES = {f.ANA: "America/New_York", f.BEN: "America/Los_Angeles", f.CARA: "America/Los_Angeles"}


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(
        f.config_data(business_hours=HOURS, routing={"on_shift_only": True, "max_wait": "4h"})
    )


@pytest.fixture
def zoned(bot):
    with unit_of_work(bot.runtime.engine) as session:
        for slack_id, tz in ZONES.items():
            set_tz(slack_id, tz, session=session)
    return bot


def at(bot, *args: int) -> None:
    bot.runtime.clock.now = datetime(*args, tzinfo=UTC)


def send(bot) -> dict:
    response = bot.post_lead(f.lead_body(country="US"))
    assert response.status_code == 202, response.text
    return response.json()


def test_on_shift_only_needs_business_hours() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f.config_data(routing={"on_shift_only": True}))
    assert any(p.startswith("routing.on_shift_only:") for p in caught.value.problems)
    assert "business_hours" in "\n".join(caught.value.problems)


def test_a_day_in_two_time_zones(zoned) -> None:
    bot = zoned
    owners: dict[str, Counter[str]] = {}
    # Mon 14:30 UTC: 09:30 in New York (Ana on), 06:30 in Los Angeles (Ben, Cara off).
    # 19:00 UTC: everyone on. 23:00 UTC: 18:00 in New York (Ana off), 15:00 in LA.
    for label, hour in (("morning", 14), ("midday", 19), ("evening", 23)):
        at(bot, 2026, 11, 23, hour, 30)
        answers = [send(bot) for _ in range(6)]
        assert {a["status"] for a in answers} == {"routed"}
        owners[label] = Counter(a["owner"] for a in answers)
    assert owners["morning"] == Counter({f.ANA: 6})
    assert set(owners["midday"]) == {f.ANA, f.BEN, f.CARA}
    assert set(owners["evening"]) == {f.BEN, f.CARA}
    with unit_of_work(bot.runtime.engine) as session:  # the skip is kept, with its kind
        first = events_for_lead(int(send_at(bot, 2026, 11, 23, 14, 45)["id"]), session=session)
        routed = next(e for e in first if e.kind == "routed")
        assert routed.data["skipped"] == {f.BEN: "off_shift", f.CARA: "off_shift"}


def send_at(bot, *args: int) -> dict:
    at(bot, *args)
    return send(bot)


def test_nobody_on_shift_waits_for_the_first_shift(zoned) -> None:
    bot = zoned
    # Tue 12:00 UTC: 07:00 in New York, 04:00 in Los Angeles: nobody is on shift. Ana
    # starts at 14:00 UTC, within max_wait (4h).
    answer = send_at(bot, 2026, 11, 24, 12, 0)
    assert answer == {"id": answer["id"], "status": "waiting", "owner": None}
    lead_id = int(answer["id"])
    with unit_of_work(bot.runtime.engine) as session:
        assert get_lead(lead_id, session=session).status == LEAD_WAITING
        assert handoffs_for_lead(lead_id, session=session) == []
    at(bot, 2026, 11, 24, 13, 59)
    bot.tick()
    with unit_of_work(bot.runtime.engine) as session:
        assert handoffs_for_lead(lead_id, session=session) == []
    at(bot, 2026, 11, 24, 14, 0)
    bot.tick()
    bot.tick()  # claimed once: a second tick routes nothing more
    with unit_of_work(bot.runtime.engine) as session:
        handoffs = handoffs_for_lead(lead_id, session=session)
        assert [(h.owner_id, h.rule) for h in handoffs] == [(f.ANA, "round_robin")]
        assert get_lead(lead_id, session=session).status == LEAD_ROUTED
    assert fire_waits(bot.runtime) == 0
    assert bot.slack.state.messages(bot.slack.state.dm_channel_id(f.ANA))  # her card


def test_max_wait_passes_to_the_manager(zoned) -> None:
    bot = zoned
    # Mon 23:30 UTC is 18:30 in New York and 15:30 in Los Angeles; at 02:00 UTC Tuesday
    # everyone is off until 14:00 UTC: max_wait (4h) ends first, at 06:00 UTC.
    answer = send_at(bot, 2026, 11, 24, 2, 0)
    assert answer["status"] == "waiting"
    lead_id = int(answer["id"])
    at(bot, 2026, 11, 24, 5, 59)
    bot.tick()
    with unit_of_work(bot.runtime.engine) as session:
        assert handoffs_for_lead(lead_id, session=session) == []
    at(bot, 2026, 11, 24, 6, 0)
    bot.tick()
    with unit_of_work(bot.runtime.engine) as session:
        handoffs = handoffs_for_lead(lead_id, session=session)
        assert [(h.owner_id, h.rule) for h in handoffs] == [(f.MAYA, "manager_fallback")]
    at(bot, 2026, 11, 24, 14, 0)  # Ana's shift starts: the lead is not routed again
    bot.tick()
    with unit_of_work(bot.runtime.engine) as session:
        assert len(handoffs_for_lead(lead_id, session=session)) == 1


def test_waiting_lead_sent_again_is_a_duplicate(zoned) -> None:
    bot = zoned
    at(bot, 2026, 11, 24, 2, 0)
    body = f.lead_body(country="US")
    first = bot.post_lead(body)
    again = bot.post_lead(body)
    assert first.json()["status"] == "waiting"
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")


def test_a_nurtured_lead_that_now_qualifies_while_nobody_is_on_shift_waits(zoned) -> None:
    """Not "duplicate": the lead came back qualified and waits for the first shift."""
    bot = zoned
    at(bot, 2026, 11, 24, 2, 0)
    body = f.lead_body(country="US", score=10, activities=[])
    first = bot.post_lead(body)
    assert first.json()["status"] == "nurture"
    again = bot.post_lead({**body, "score": 75})
    assert (again.status_code, again.json()["status"]) == (202, "waiting")
    assert again.json()["id"] == first.json()["id"]
    with unit_of_work(bot.runtime.engine) as session:
        kinds = [e.kind for e in events_for_lead(first.json()["id"], session=session)]
    assert "duplicate" not in kinds and "received_again" in kinds


def test_everyone_away_goes_to_the_manager_at_once(zoned) -> None:
    bot = zoned
    at(bot, 2026, 11, 24, 12, 0)  # nobody on shift, and everyone away besides
    with unit_of_work(bot.runtime.engine) as session:
        for slack_id in ZONES:
            set_away(slack_id, date(2026, 11, 30), session=session)
    answer = send(bot)
    assert (answer["status"], answer["owner"]) == ("routed", f.MAYA)
    with unit_of_work(bot.runtime.engine) as session:
        routed = next(
            e for e in events_for_lead(answer["id"], session=session) if e.kind == "routed"
        )
        assert set(routed.data["skipped"].values()) == {"away"}  # an absence, not a shift
