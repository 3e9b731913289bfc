"""The one bounded parser for ids, numbers, dates and JSON that come from outside."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.inputs import MAX_ID, parse_count, parse_date, parse_id, parse_json_object


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (42, 42),
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (str(2**70), None),
        (2**70, None),
        ("1e999", None),
        (float("inf"), None),
        (1.0, None),
        (True, None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        (" 3", None),
        ("٣", None),  # an Arabic-Indic three: int() takes it, we don't
        ("²", None),
        ("3" * 5000, None),
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_parse_id(raw: Any, expected: int | None) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", 5),
        ("1000", 1000),
        ("1001", None),
        ("0", None),
        ("²", None),
        ("٥", None),
        ("5.0", None),
        ("9" * 5000, None),
        (None, None),
        ("05", 5),
    ],
)
def test_parse_count(raw: Any, expected: int | None) -> None:
    assert parse_count(raw, low=1, high=1000) == expected


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-11-24", TODAY),
        ("2026-11-23", None),  # before the earliest
        ("99999-01-01", None),
        ("9999-12-31", None),  # past the latest
        ("2026-02-30", None),
        ("20261201", None),  # fromisoformat takes it; Slack never sends it
        ("２０２６-12-01", None),
        ("", None),
        (None, None),
        (20261201, None),
    ],
)
def test_parse_date(raw: Any, expected: date | None) -> None:
    assert parse_date(raw, earliest=TODAY, latest=date(2031, 11, 24)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"handoff_id": 3}', {"handoff_id": 3}),
        ("[1]", None),
        ("not json", None),
        ("[" * 100_000, None),
        ('{"a":' * 2000 + "1" + "}" * 2000, None),
        ('{"x": ' + "1" * 5000 + "}", None),
        (None, None),
        (b"{}", None),
    ],
)
def test_parse_json_object(raw: Any, expected: Any) -> None:
    assert parse_json_object(raw) == expected


def test_parse_json_object_survives_deep_nesting_within_the_length() -> None:
    deep = "[" * 50_000 + "]" * 50_000
    assert parse_json_object(deep, max_chars=len(deep)) is None
