"""Report periods: `7d`, `30d`, `90d` (up to now) and `qtd` (since the quarter began)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = {"7d": 7, "30d": 30, "90d": 90}
PERIODS = (*DAYS, "qtd")


@dataclass(frozen=True)
class Period:
    name: str  # one of PERIODS
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive: the moment the report was asked for

    @property
    def label(self) -> str:
        if self.name == "qtd":
            return "quarter to date"
        return f"last {DAYS[self.name]} days"


def is_period(word: str) -> bool:
    return word.lower() in PERIODS


def period_for(name: str, *, now: datetime, tz: str) -> Period:
    """The period `name` ending at `now`. A quarter starts on Jan 1, Apr 1, Jul 1 or Oct 1
    at midnight in `tz` (the config's time zone)."""
    name = name.lower()
    if name in DAYS:
        return Period(name, now - timedelta(days=DAYS[name]), now)
    if name != "qtd":
        raise ValueError(f"unknown period {name!r}; expected one of {', '.join(PERIODS)}")
    local = now.astimezone(ZoneInfo(tz))
    first_month = 3 * ((local.month - 1) // 3) + 1
    start = local.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0)
    return Period(name, start.astimezone(UTC), now)
