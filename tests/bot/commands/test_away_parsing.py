"""`/handshake away` with times, in the person's own time zone: parsed to UTC moments, and
a usage answer for every bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parsing import Command, Usage, parse

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LA, KOLKATA, BERLIN = (
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Europe/Berlin"),
)


def away(text: str, zone: ZoneInfo, now: datetime = NOW) -> Command | Usage:
    return parse(text, now.astimezone(zone).date(), now=now, zone=zone)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone", "start", "end"),
    [
        # Los Angeles in winter: UTC-8.
        (
            "away 2026-12-24 12:00 until 2026-12-28 09:00",
            LA,
            utc(2026, 12, 24, 20, 0),
            utc(2026, 12, 28, 17, 0),
        ),
        # Kolkata: UTC+05:30, no DST.
        (
            "away 2026-12-24 12:00 until 2026-12-28 09:00",
            KOLKATA,
            utc(2026, 12, 24, 6, 30),
            utc(2026, 12, 28, 3, 30),
        ),
        # Berlin across the spring change (2027-03-28: 02:00 CET → 03:00 CEST).
        (
            "away 2027-03-27 18:00 until 2027-03-29 09:00",
            BERLIN,
            utc(2027, 3, 27, 17, 0),
            utc(2027, 3, 29, 7, 0),
        ),
        # Berlin, a repeated hour in autumn (2027-10-31 02:30 happens twice): the first.
        (
            "away 2027-10-30 09:00 until 2027-10-31 02:30",
            BERLIN,
            utc(2027, 10, 30, 7, 0),
            utc(2027, 10, 31, 0, 30),
        ),
        (
            "AWAY 2026-12-24 9:05 UNTIL 2026-12-24 17:30",
            BERLIN,
            utc(2026, 12, 24, 8, 5),
            utc(2026, 12, 24, 16, 30),
        ),
    ],
)
def test_a_timed_absence_is_read_in_the_persons_zone(text, zone, start, end):
    assert away(text, zone) == Command("away", away_from=start, away_to=end)


def test_until_a_time_starts_now():
    assert away("away until 2026-11-24 09:00", KOLKATA) == Command(
        "away", away_from=NOW, away_to=utc(2026, 11, 24, 3, 30)
    )


def test_the_same_words_are_different_moments_in_different_zones():
    moments = {away("away until 2026-12-01 09:00", z).away_to for z in (LA, KOLKATA, BERLIN)}
    assert len(moments) == 3


def test_dates_and_off_still_work():
    assert away("away until 2026-12-01", LA) == Command(
        "away", away_until=NOW.date().replace(day=1, month=12)
    )
    assert away("away off", LA) == Command("away", away_until=None)


@pytest.mark.parametrize(
    ("text", "zone", "says"),
    [
        ("away 2027-03-28 02:30 until 2027-03-29 09:00", BERLIN, "does not exist in Europe/Berlin"),
        (
            "away 2027-03-14 02:15 until 2027-03-15 09:00",
            LA,
            "does not exist in America/Los_Angeles",
        ),
        ("away until 0001-01-01 00:00", BERLIN, "0001-01-01 00:00 is too far from today"),
        ("away 0001-01-01 00:30 until 2026-12-28 09:00", BERLIN, "is too far from today"),
        ("away until 9999-12-31 23:59", LA, "9999-12-31 23:59 is too far from today"),
        ("away 9999-12-31 23:58 until 9999-12-31 23:59", LA, "is too far from today"),
        ("away 2026-12-24 25:00 until 2026-12-28 09:00", LA, "not a time like 09:00"),
        ("away 2026-12-24 12 until 2026-12-28 09:00", LA, "not a time like 09:00"),
        ("away 2026-12-24 12:60 until 2026-12-28 09:00", LA, "not a time like 09:00"),
        ("away 2026-13-24 12:00 until 2026-12-28 09:00", LA, "not a date like"),
        ("away 2026-12-24 12:00 until soon 09:00", LA, "not a date like"),
        ("away 2026-12-28 09:00 until 2026-12-24 12:00", LA, "must come after its start"),
        ("away 2026-12-24 12:00 until 2026-12-24 12:00", LA, "must come after its start"),
        ("away 2026-11-20 12:00 until 2026-12-28 09:00", LA, "in the past"),
        ("away until 2026-11-23 05:59", LA, "in the past"),  # 13:59 UTC: a minute ago
        ("away until 2027-12-24 09:00", LA, "too far ahead"),
        ("away 2026-12-24 12:00 until 2027-12-28 09:00", KOLKATA, "too far ahead"),
        ("away 2026-12-24 12:00 to 2026-12-28 09:00", LA, "Usage"),
        ("away 2026-12-24 12:00 until 2026-12-28", LA, "Usage"),
        ("away until 2026-12-28 09:00 extra", LA, "Usage"),
        ("away until <!here> 09:00", LA, "&lt;!here&gt;"),
    ],
)
def test_bad_timed_absences_get_a_usage_answer(text, zone, says):
    answer = away(text, zone)
    assert isinstance(answer, Usage), answer
    assert says in answer.message
    assert "/handshake away" in answer.message
    assert "<!here>" not in answer.message


def test_the_first_minute_still_counts_as_now():
    later = NOW.replace(second=40)
    assert isinstance(away("away 2026-11-23 06:00 until 2026-11-24 06:00", LA, later), Command)
