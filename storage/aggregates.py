"""SQL building blocks shared by the reports (`storage/reports/`) and App Home
(`storage/home.py`): counting the rows that meet a condition, the time between two stored
datetimes, and medians or other percentiles, so both surfaces compute a figure one way."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.sql.elements import ColumnElement


@dataclass(frozen=True)
class Spread:
    """Durations in minutes: how many, and one value per asked fraction (None: no data)."""

    count: int
    values: tuple[float | None, ...]


def count_if(condition: Any) -> Any:
    """COUNT(CASE WHEN condition THEN 1 END): how many rows of the group meet `condition`."""
    return func.count(case((condition, 1)))


def seconds_between(start: Any, end: Any, *, dialect: str) -> Any:
    """`end - start` in seconds, in SQL. SQLite: unixepoch() (3.38+) parses a stored
    datetime faster than julianday(); PostgreSQL: EXTRACT(EPOCH FROM end - start)."""
    if dialect == "postgresql":
        return extract("epoch", end - start)
    if sqlite3.sqlite_version_info >= (3, 38):
        return func.unixepoch(end) - func.unixepoch(start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def minutes_between(start: Any, end: Any, *, dialect: str) -> Any:
    """`end - start` in minutes, in SQL (see `seconds_between`)."""
    return seconds_between(start, end, dialect=dialect) / 60.0


def percentile_columns(value: Any, fractions: Sequence[float]) -> list[Any]:
    """PostgreSQL's percentile_cont of `value` at each fraction (0.5: the median)."""
    return [func.percentile_cont(p).within_group(value) for p in fractions]


def spread(values: list[float], fractions: Sequence[float]) -> Spread:
    """The same figures as percentile_cont, in Python (SQLite has no percentile function):
    sorted in C, then linear interpolation between the two nearest positions."""
    ordered = sorted(values)
    n = len(ordered)
    picked = []
    for p in fractions:
        position = p * (n - 1)
        lo = math.floor(position)
        hi = min(lo + 1, n - 1)
        picked.append(rounded(ordered[lo] + (position - lo) * (ordered[hi] - ordered[lo])))
    return Spread(n, tuple(picked))


def rounded(minutes: Any) -> float | None:
    """To a millisecond or so: julianday() arithmetic leaves noise in the last digits."""
    return None if minutes is None else round(float(minutes), 5)


def median_rows(timed: Any, key: str, value: str) -> tuple[Any, ColumnElement[bool]]:
    """A median per `key` in portable SQL (window functions, so SQLite too): `timed`'s rows
    ranked within their key (columns key, value, rn, n), and the condition that keeps the
    middle row, or the two middle rows, whose AVG(value) is the median."""
    ranked = func.row_number().over(partition_by=timed.c[key], order_by=timed.c[value]).label("rn")
    count = func.count().over(partition_by=timed.c[key]).label("n")
    rows = select(timed.c[key], timed.c[value], ranked, count).subquery()
    middle = and_(2 * rows.c.rn >= rows.c.n, 2 * rows.c.rn <= rows.c.n + 2)
    return rows, middle
