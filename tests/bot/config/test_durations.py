from datetime import timedelta

import pytest

from bot.config.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("4h", timedelta(hours=4)),
        ("2d", timedelta(days=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d4h", timedelta(days=1, hours=4)),
        ("1d 2h 3m 4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("  4h ", timedelta(hours=4)),
        ("0h30m", timedelta(minutes=30)),
        ("90m", timedelta(minutes=90)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "a duration is required"),
        ("   ", "a duration is required"),
        (None, "a duration is required"),
        ("0s", "is zero"),
        ("0h0m", "is zero"),
        ("-4h", "cannot be negative"),
        ("1.5h", "whole numbers"),
        ("4", "add a unit"),
        (4, "is not a duration"),
        ("4x", '"4x" is not a duration like 30s, 15m, 4h, 2d'),
        ("4w", "is not a duration"),
        ("4H", "is not a duration"),
        ("h", "is not a duration"),
        ("30m1h", "is not a duration"),  # largest unit first
        ("1h1h", "is not a duration"),
        ("four hours", "is not a duration"),
        ("99999999999999d", "too long"),
    ],
)
def test_parse_duration_rejects(text, fragment):
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=15), "15m"),
        (timedelta(hours=1, minutes=30), "1h 30m"),
        (timedelta(hours=24), "1d"),
        (timedelta(days=2), "2d"),
        (timedelta(days=1, hours=2, minutes=3, seconds=4), "1d 2h 3m 4s"),
        (timedelta(seconds=90.7), "1m 30s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=-90), "-1m 30s"),
    ],
)
def test_format_duration(td, expected):
    assert format_duration(td) == expected


@pytest.mark.parametrize("text", ["30s", "15m", "4h", "2d", "1h30m", "3d 23h 59m 59s"])
def test_format_reads_back(text):
    assert parse_duration(format_duration(parse_duration(text))) == parse_duration(text)
