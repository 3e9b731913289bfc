"""One bounded parser for every id, number, date and JSON text that comes from outside
(button values, private_metadata, picker values, `/handshake` arguments).

Each returns None for anything it does not accept, never raises: ASCII digits only
(`int()` also takes "٣" and `isdigit()` passes "²"), bounded length and range (a hand-off
id fits a 32-bit database integer), dates written exactly YYYY-MM-DD within bounds, and
JSON that is short and not nested past Python's recursion limit."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

MAX_ID = 2**31 - 1  # PostgreSQL `integer`; SQLite takes it too
METADATA_MAX = 3000  # Slack's limit for private_metadata
_ID = re.compile(r"[0-9]{1,10}")
_COUNT = re.compile(r"[0-9]{1,9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FAR_AHEAD = timedelta(days=5 * 366)  # away and revisit dates further out are typos


def latest_date(today: date) -> date:
    """The last date a person may pick for "away until" or "revisit on"."""
    return today + FAR_AHEAD


def parse_id(value: Any) -> int | None:
    """A database id from a string of ASCII digits or a JSON integer, 1..MAX_ID."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _ID.fullmatch(value):
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None


def parse_count(text: Any, *, low: int, high: int) -> int | None:
    """A whole number from `low` to `high`, written in ASCII digits."""
    if not isinstance(text, str) or not _COUNT.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_date(
    text: Any, *, earliest: date | None = None, latest: date | None = None
) -> date | None:
    """A YYYY-MM-DD date (as Slack's date pickers send it) within [earliest, latest]."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if (earliest and day < earliest) or (latest and day > latest):
        return None
    return day


def parse_json_object(raw: Any, *, max_chars: int = METADATA_MAX) -> dict[str, Any] | None:
    """A JSON object from a short string; None for anything else, however malformed."""
    if not isinstance(raw, str) or len(raw) > max_chars:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # a >4300-digit integer is a ValueError
        return None
    return data if isinstance(data, dict) else None
