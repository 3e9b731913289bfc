from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import parse_config
from bot.domain.calendar import WorkCalendar, calendar_for
from tests import factories as f

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)
WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
HOLIDAYS = frozenset({date(2026, 11, 26), date(2026, 12, 25), date(2027, 1, 1)})
OFFICE = WorkCalendar(NY, WEEKDAYS, time(9), time(18), HOLIDAYS)


def at(text: str, tz: ZoneInfo = NY) -> datetime:
    """A local wall time ("2026-11-20 17:00") as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


def local(moment: datetime, tz: ZoneInfo = NY) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


# --- add ---------------------------------------------------------------------------------------

# (start, working time to add, expected local time) in OFFICE: Mon-Fri 09-18 New York
ADD = [
    ("2026-11-20 17:00", 2 * H, "Mon 2026-11-23 10:00"),  # Friday evening → Monday
    ("2026-11-21 12:00", 1 * H, "Mon 2026-11-23 10:00"),  # Saturday: counts from Monday 09:00
    ("2026-11-21 12:00", 0 * H, "Mon 2026-11-23 09:00"),
    ("2026-11-24 08:00", 30 * M, "Tue 2026-11-24 09:30"),  # before opening
    ("2026-11-24 19:00", 1 * H, "Wed 2026-11-25 10:00"),  # after closing
    ("2026-11-24 11:15", 0 * H, "Tue 2026-11-24 11:15"),
    ("2026-11-24 11:15", 90 * M, "Tue 2026-11-24 12:45"),
    ("2026-11-20 09:00", 9 * H, "Fri 2026-11-20 18:00"),  # a day used exactly: its closing
    ("2026-11-16 09:00", 45 * H, "Fri 2026-11-20 18:00"),
    ("2026-11-25 17:00", 2 * H, "Fri 2026-11-27 10:00"),  # Thanksgiving skipped
    ("2026-12-24 10:00", 2 * D, "Mon 2027-01-04 13:00"),  # 48h: over Christmas and New Year
    ("2026-12-25 10:00", 1 * H, "Mon 2026-12-28 10:00"),  # starting on a holiday
]


@pytest.mark.parametrize(("start", "duration", "expected"), ADD)
def test_add_counts_working_time_only(start, duration, expected):
    assert local(OFFICE.add(at(start), duration)) == expected


def test_add_returns_utc():
    due = OFFICE.add(at("2026-11-20 17:00"), 2 * H)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 EST


# DST in New York: 2026-03-08 02:00 → 03:00, 2026-11-01 02:00 → 01:00.
# (calendar, start, working time, expected local time, expected UTC time)
DST = [
    # every day 09-18: Saturday 17:00 EST + 2h → Sunday 10:00 EDT (14:00 UTC, not 15:00)
    (WorkCalendar(NY, EVERY_DAY), "2026-03-07 17:00", 2 * H, "Sun 2026-03-08 10:00", "14:00"),
    (OFFICE, "2026-03-06 17:00", 2 * H, "Mon 2026-03-09 10:00", "14:00"),
    (OFFICE, "2026-10-30 17:00", 2 * H, "Mon 2026-11-02 10:00", "15:00"),
    (WorkCalendar(NY, EVERY_DAY), "2026-10-31 17:00", 2 * H, "Sun 2026-11-01 10:00", "15:00"),
    # working hours that span the change: 00-06 is 5 real hours on 03-08, 7 on 11-01
    (WorkCalendar(NY, EVERY_DAY, time(0), time(6)), "2026-03-08 00:00", 5 * H,
     "Sun 2026-03-08 06:00", "10:00"),
    (WorkCalendar(NY, EVERY_DAY, time(0), time(6)), "2026-03-08 00:00", 6 * H,
     "Mon 2026-03-09 01:00", "05:00"),
    (WorkCalendar(NY, EVERY_DAY, time(0), time(6)), "2026-11-01 00:00", 6 * H,
     "Sun 2026-11-01 05:00", "10:00"),
    (WorkCalendar(NY, EVERY_DAY, time(0), time(6)), "2026-11-01 00:00", 7 * H,
     "Sun 2026-11-01 06:00", "11:00"),
    # hours that fall in the gap itself: that day has no working time
    (WorkCalendar(NY, EVERY_DAY, time(2), time(3)), "2026-03-07 02:30", 1 * H,
     "Mon 2026-03-09 02:30", "06:30"),
]  # fmt: skip


@pytest.mark.parametrize(("calendar", "start", "duration", "expected", "utc"), DST)
def test_add_across_dst_changes(calendar, start, duration, expected, utc):
    due = calendar.add(at(start), duration)
    assert local(due) == expected
    assert f"{due:%H:%M}" == utc


def test_add_over_a_dst_change_matches_working_between():
    calendar = WorkCalendar(NY, EVERY_DAY, time(0), time(6))
    assert calendar.working_between(at("2026-03-08 00:00"), at("2026-03-08 06:00")) == 5 * H
    assert calendar.working_between(at("2026-11-01 00:00"), at("2026-11-01 06:00")) == 7 * H


def test_always_is_plain_addition():
    calendar = WorkCalendar.wall_clock(NY)
    start = at("2026-03-07 17:00")  # a Saturday evening before a DST change
    for duration in (0 * H, 30 * M, 2 * H, 3 * D, 1000 * D):
        assert calendar.add(start, duration) == start + duration
        assert calendar.working_between(start, start + duration) == duration
    assert calendar.is_working(start)
    assert calendar.next_working(start) == start


def test_a_1000_day_duration_is_counted_by_days():
    start = at("2026-11-20 17:00")
    due = OFFICE.add(start, 1000 * D)
    assert due.year == 2037  # 24000 working hours ≈ 2667 working days ≈ 10.2 years
    assert OFFICE.working_between(start, due) == 1000 * D


# --- next_working and is_working ----------------------------------------------------------------

NEXT = [
    ("2026-11-24 11:15", "Tue 2026-11-24 11:15"),  # working: itself
    ("2026-11-24 09:00", "Tue 2026-11-24 09:00"),  # opening time is working
    ("2026-11-24 18:00", "Wed 2026-11-25 09:00"),  # closing time is not
    ("2026-11-24 06:00", "Tue 2026-11-24 09:00"),
    ("2026-11-20 20:00", "Mon 2026-11-23 09:00"),
    ("2026-11-25 23:59", "Fri 2026-11-27 09:00"),  # Thanksgiving
    ("2026-12-24 18:30", "Mon 2026-12-28 09:00"),
]


@pytest.mark.parametrize(("moment", "expected"), NEXT)
def test_next_working(moment, expected):
    assert local(OFFICE.next_working(at(moment))) == expected
    assert OFFICE.is_working(at(moment)) == (local(at(moment)) == expected)


def test_next_working_keeps_seconds_of_a_working_instant():
    moment = at("2026-11-24 11:15:42.5")
    assert OFFICE.next_working(moment) == moment


def test_any_aware_input_is_accepted():
    moment = datetime(2026, 11, 24, 17, 0, tzinfo=BERLIN)  # 11:00 in New York
    assert OFFICE.is_working(moment)
    assert OFFICE.next_working(moment) == moment
    assert OFFICE.next_working(moment).tzinfo is UTC


# --- working_between agrees with add --------------------------------------------------------------

STARTS = [at("2026-11-20 08:00") + k * 5 * H + k * 7 * M for k in range(30)]  # Fri to Sat next
DURATIONS = [0 * H, M, H, 8 * H + 59 * M, 9 * H, D, 3 * D + 7 * H, 30 * D]


@pytest.mark.parametrize(
    "calendar", [OFFICE, WorkCalendar(BERLIN, frozenset({0, 2, 5}), time(7, 30), time(12))]
)
def test_working_between_undoes_add(calendar):
    for start in STARTS:
        for duration in DURATIONS:
            due = calendar.add(start, duration)
            assert due >= start
            assert calendar.working_between(start, due) == duration, (start, duration)
            if duration:
                # a moment earlier, less working time had passed
                assert calendar.working_between(start, due - M) < duration


def test_working_between_counts_like_sampling_quarter_hours():
    calendar = WorkCalendar(NY, WEEKDAYS, time(8, 30), time(17, 15), HOLIDAYS)
    start = at("2026-11-24 06:00")
    step = timedelta(minutes=15)
    sampled = timedelta(0)
    moment = start
    while moment < start + 10 * D:
        if calendar.is_working(moment):
            sampled += step
        moment += step
        assert calendar.working_between(start, moment) == sampled


def test_working_between_is_zero_backwards_and_outside_hours():
    assert OFFICE.working_between(at("2026-11-24 12:00"), at("2026-11-24 11:00")) == timedelta(0)
    assert OFFICE.working_between(at("2026-11-21 00:00"), at("2026-11-22 23:00")) == timedelta(0)
    assert OFFICE.working_between(at("2026-11-20 17:00"), at("2026-11-23 10:00")) == 2 * H


# --- refused inputs -------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 11, 24, 12)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.add(naive, H)
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.next_working(naive)


def test_negative_durations_are_refused():
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(at("2026-11-24 12:00"), -H)


@pytest.mark.parametrize(
    ("days", "start", "end", "match"),
    [(frozenset(), time(9), time(18), "working days"),
     (frozenset({7}), time(9), time(18), "working days"),
     (WEEKDAYS, time(18), time(9), "not after start")],
)  # fmt: skip
def test_a_calendar_without_working_time_is_refused(days, start, end, match):
    with pytest.raises(ValueError, match=match):
        WorkCalendar(NY, days, start, end)


# --- from the config ------------------------------------------------------------------------------

HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00",
         "holidays": ["2026-12-25"]}  # fmt: skip


def test_calendar_for_the_config_time_zone():
    config = parse_config(f.config_data(timezone="America/New_York", business_hours=HOURS))
    calendar = calendar_for(config, None)
    assert calendar == WorkCalendar(
        NY, WEEKDAYS, time(9), time(18), frozenset({date(2026, 12, 25)})
    )
    assert local(calendar.add(at("2026-11-20 17:00"), 2 * H)) == "Mon 2026-11-23 10:00"


def test_a_person_time_zone_overrides_the_config_one():
    config = parse_config(f.config_data(timezone="America/New_York", business_hours=HOURS))
    calendar = calendar_for(config, "Europe/Berlin")
    assert calendar.tz == BERLIN
    due = calendar.add(at("2026-11-20 17:00", BERLIN), 2 * H)
    assert local(due, BERLIN) == "Mon 2026-11-23 10:00"
    assert due == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    # the same instant is Friday 11:00 in New York: two hours later there
    assert calendar_for(config, None).add(at("2026-11-20 17:00", BERLIN), 2 * H) == at(
        "2026-11-20 13:00"
    )


@pytest.mark.parametrize("tz_name", [None, "", "Mars/Olympus", "../etc/passwd", "not a zone"])
def test_a_missing_or_unknown_time_zone_falls_back_to_the_config(tz_name):
    config = parse_config(f.config_data(timezone="America/New_York", business_hours=HOURS))
    assert calendar_for(config, tz_name).tz == NY


def test_without_business_hours_the_calendar_is_the_wall_clock():
    config = parse_config(f.config_data(timezone="America/New_York"))
    assert config.business_hours is None
    calendar = calendar_for(config, "Europe/Berlin")
    assert calendar.always
    assert calendar.tz == BERLIN
    start = at("2026-11-21 03:00")  # Saturday night
    assert calendar.add(start, 2 * H) == start + 2 * H


def test_business_hours_days_map_to_weekday_numbers():
    hours = HOURS | {"days": ["sun", "sat", "wed"]}
    config = parse_config(f.config_data(business_hours=hours))
    assert calendar_for(config, None).days == frozenset({6, 5, 2})
    assert calendar_for(config, None).tz == ZoneInfo(config.timezone)
