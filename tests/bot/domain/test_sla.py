from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import SlaConfig, parse_config
from bot.domain.calendar import WorkCalendar, calendar_for
from bot.domain.sla import (
    Deadlines,
    SlaTimes,
    deadlines,
    follow_up_deadlines,
    select_sla,
)
from tests import factories as f

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)

SLA = SlaConfig.model_validate(
    {
        "respond_within": "4h",
        "escalate_after": "8h",
        "reassign_after": "24h",
        "follow_up_within": "2d",
        "tiers": [
            {"name": "hot", "when": {"activity": "demo_request"},
             "respond_within": "15m", "escalate_after": "1h", "reassign_after": "4h"},
            {"name": "q4 vip", "when": {"campaign": "Q4 Launch", "min_score": 80},
             "respond_within": "30m", "follow_up_within": "1d"},
            {"name": "high score", "when": {"min_score": 90}, "respond_within": "1h"},
        ],
    }
)  # fmt: skip
BASE = SlaTimes(4 * H, 8 * H, 24 * H, 2 * D, 4 * D, None)
HOT = SlaTimes(15 * M, H, 4 * H, 2 * D, 4 * D, "hot")
Q4 = SlaTimes(30 * M, 8 * H, 24 * H, D, 2 * D, "q4 vip")
HIGH = SlaTimes(H, 8 * H, 24 * H, 2 * D, 4 * D, "high score")

DEMO = {"type": "demo_request", "detail": "/demo"}
VIEW = {"type": "page_view", "detail": "/pricing"}

# (lead fields, SLA in force)
SELECT = [
    ({}, BASE),
    ({"score": 50, "campaign": "spring", "activities": [VIEW]}, BASE),
    # first match wins, in config order
    ({"score": 95, "campaign": "Q4 Launch", "activities": [VIEW, DEMO]}, HOT),
    ({"score": 95, "campaign": "Q4 Launch", "activities": [VIEW]}, Q4),
    ({"score": 95, "campaign": "other", "activities": [VIEW]}, HIGH),
    ({"score": 90}, HIGH),  # min_score is inclusive
    # every condition of a tier must match
    ({"score": 79, "campaign": "Q4 Launch"}, BASE),
    ({"score": 85, "campaign": "Q4 Launch"}, Q4),
    ({"score": 85, "campaign": "Q4"}, BASE),  # exact campaign, not a substring
    ({"score": 85, "campaign": " q4 launch "}, Q4),  # any case, spaces trimmed
    ({"campaign": "Q4 Launch"}, BASE),  # missing score counts as 0
    # activity types, any case; the lead's data read defensively
    ({"activities": [{"type": "Demo_Request"}]}, HOT),
    ({"activities": [{"type": "page_view", "detail": "demo_request"}]}, BASE),
    ({"activities": ["demo_request", None, 3, {"type": None}, {"type": "demo_request"}]}, HOT),
    ({"activities": None}, BASE),
    ({"activities": "demo_request"}, BASE),
    ({"activities": {"type": "demo_request"}}, BASE),
    ({"score": "95"}, HIGH),  # a numeric string
    ({"score": "lots"}, BASE),
    ({"score": None}, BASE),
    ({"score": True}, BASE),
    ({"score": float("nan")}, BASE),
    ({"campaign": 4, "score": 85}, BASE),
]


@pytest.mark.parametrize(("lead", "expected"), SELECT)
def test_select_sla(lead, expected):
    assert select_sla(SLA, lead) == expected


def test_without_tiers_the_base_sla_applies():
    sla = SlaConfig(respond_within="1h", escalate_after="2h", reassign_after="3h")  # type: ignore[arg-type]
    times = select_sla(sla, {"score": 100, "activities": [DEMO]})
    assert times == SlaTimes(H, 2 * H, 3 * H, 2 * D, 4 * D, None)


def test_a_tier_may_override_nothing_and_only_name_the_lead():
    sla = SlaConfig.model_validate({"tiers": [{"name": "watch", "when": {"min_score": 1}}]})
    assert select_sla(sla, {"score": 1}) == SlaTimes(4 * H, 8 * H, 24 * H, 2 * D, 4 * D, "watch")


# --- deadlines ----------------------------------------------------------------------------------

OFFICE = WorkCalendar(NY, frozenset(range(5)), time(9), time(18))
WALL = WorkCalendar.wall_clock(NY)


def at(text: str, tz: ZoneInfo = NY) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


# (owner's calendar, created at (New York), SLA, expected remind / escalate / reassign)
DEADLINES = [
    (WALL, "2026-11-20 17:00", BASE,
     ("2026-11-20 21:00", "2026-11-21 01:00", "2026-11-21 17:00")),
    (OFFICE, "2026-11-20 17:00", BASE,  # Friday 17:00: 1h on Friday, the rest on Monday
     ("2026-11-23 12:00", "2026-11-23 16:00", "2026-11-25 14:00")),
    (OFFICE, "2026-11-21 10:00", HOT,  # Saturday: the clock starts Monday 09:00
     ("2026-11-23 09:15", "2026-11-23 10:00", "2026-11-23 13:00")),
    (OFFICE, "2026-11-24 10:00", HOT,
     ("2026-11-24 10:15", "2026-11-24 11:00", "2026-11-24 14:00")),
]  # fmt: skip


@pytest.mark.parametrize(("calendar", "created", "times", "expected"), DEADLINES)
def test_deadlines(calendar, created, times, expected):
    due = deadlines(at(created), times, calendar, WALL)
    assert due == Deadlines(*(at(e) for e in expected))


def test_escalation_counts_in_the_owners_working_time_not_the_managers():
    owner = OFFICE  # New York
    manager = WorkCalendar(BERLIN, frozenset(range(5)), time(9), time(18))
    due = deadlines(at("2026-11-24 10:00"), BASE, owner, manager)
    assert due.escalate == at("2026-11-24 18:00")  # 8h of the owner's Tuesday
    assert due == deadlines(at("2026-11-24 10:00"), BASE, owner)
    # ...which is midnight in Berlin: the manager is told at their 09:00
    assert manager.next_working(due.escalate) == at("2026-11-25 09:00", BERLIN)
    # the owner's own nudge is sent at once, inside their hours
    assert owner.next_working(due.remind) == due.remind


@pytest.mark.parametrize(
    ("due", "calendar", "expected"),
    [("2026-11-24 18:00", OFFICE, "2026-11-25 09:00"),
     ("2026-11-24 17:59", OFFICE, "2026-11-24 17:59"),
     ("2026-11-21 12:00", OFFICE, "2026-11-23 09:00"),
     ("2026-11-21 12:00", WALL, "2026-11-21 12:00")],
)  # fmt: skip
def test_a_message_waits_for_the_recipients_hours(due, calendar, expected):
    assert calendar.next_working(at(due)) == at(expected)


# (owner's calendar, accepted at, SLA, expected nudge / escalate)
FOLLOW_UP = [
    (WALL, "2026-11-20 17:00", BASE, ("2026-11-22 17:00", "2026-11-24 17:00")),
    # 2d = 48h of working time = 5 days of 9h and 3h more
    (OFFICE, "2026-11-20 17:00", BASE, ("2026-11-30 11:00", "2026-12-07 14:00")),
    (OFFICE, "2026-11-24 09:00", Q4, ("2026-11-26 15:00", "2026-12-01 12:00")),
]  # fmt: skip


@pytest.mark.parametrize(("calendar", "accepted", "times", "expected"), FOLLOW_UP)
def test_follow_up_deadlines(calendar, accepted, times, expected):
    nudge, escalate = follow_up_deadlines(at(accepted), times, calendar)
    assert (nudge, escalate) == tuple(at(e) for e in expected)
    assert calendar.working_between(at(accepted), nudge) == times.follow_up_within


def test_from_config_to_deadlines():
    hours = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"}
    tiers = [{"name": "hot", "when": {"activity": "demo_request"}, "respond_within": "15m",
              "escalate_after": "1h", "reassign_after": "4h"}]  # fmt: skip
    config = parse_config(
        f.config_data(timezone="America/New_York", business_hours=hours, sla={"tiers": tiers})
    )
    times = select_sla(config.sla, {"score": 10, "activities": [DEMO]})
    assert times.tier == "hot"
    owner = calendar_for(config, "Europe/Berlin")
    due = deadlines(at("2026-11-20 17:50", BERLIN), times, owner, calendar_for(config, None))
    assert due.remind == at("2026-11-23 09:05", BERLIN)
    assert due.reassign == at("2026-11-23 12:50", BERLIN)
