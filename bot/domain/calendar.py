"""Working time: business hours in one person's time zone, for the SLA clock.

Every method takes and returns timezone-aware datetimes (returned in UTC). Working days are
laid out in local wall time (start and end on each working date) and converted to UTC, so
DST transitions fall out of zoneinfo; the loops step one day at a time, never by minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import DAYS, HandshakeConfig

ZERO = timedelta(0)
UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = UTC_ZONE
    days: frozenset[int] = frozenset(range(5))  # date.weekday(): Monday is 0
    start: time = time(9)
    end: time = time(18)
    holidays: frozenset[date] = frozenset()  # local dates with no working time
    always: bool = False  # no business hours: every instant is working time

    def __post_init__(self) -> None:
        if self.always:
            return
        if not self.days or not self.days <= set(range(7)):
            raise ValueError(f"working days must be weekday numbers 0-6, got {set(self.days)}")
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} is not after start {self.start:%H:%M}")

    @classmethod
    def wall_clock(cls, tz: ZoneInfo | None = None) -> WorkCalendar:
        return cls(tz=tz or UTC_ZONE, always=True)

    def is_working(self, at: datetime) -> bool:
        _aware(at)
        if self.always:
            return True
        span = self._span(at.astimezone(self.tz).date())
        return span is not None and span[0] <= at < span[1]

    def next_working(self, at: datetime) -> datetime:
        """`at` itself if it is working time, else the start of the next working period."""
        at = _aware(at)
        if self.always:
            return at
        for opens, closes in self._spans_from(at):
            if at < closes:
                return max(at, opens)
        raise AssertionError("unreachable: _spans_from never ends")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed since `start`.

        Counting begins at `start`, or at the next working start when `start` is outside
        working time. A deadline that uses up a day exactly is that day's closing time.
        """
        start = _aware(start)
        if duration < ZERO:
            raise ValueError(f"cannot add a negative duration ({duration})")
        if self.always:
            return start + duration
        left = duration
        for opens, closes in self._spans_from(start):
            if start >= closes:
                continue
            begin = max(start, opens)
            if left <= closes - begin:
                return begin + left
            left -= closes - begin
        raise AssertionError("unreachable: _spans_from never ends")

    def working_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time elapsed from `a` to `b` (zero when `b` is not after `a`)."""
        a, b = _aware(a), _aware(b)
        if b <= a:
            return ZERO
        if self.always:
            return b - a
        total = ZERO
        for opens, closes in self._spans_from(a):
            if opens >= b:
                break
            total += max(ZERO, min(b, closes) - max(a, opens))
        return total

    # --- working periods, one per working local date, in UTC -------------------------------

    def _span(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.days or day in self.holidays:
            return None
        opens = datetime.combine(day, self.start, self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, self.tz).astimezone(UTC)
        # A window inside a DST gap can be empty (02:00-03:00 on a spring-forward day).
        return (opens, closes) if closes > opens else None

    def _spans_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods in order, from the one on `at`'s local date on, without end.

        Raises ValueError if a long run of dates has none: cannot happen with at least one
        working day, finitely many holidays and at most a few DST-emptied days a year.
        """
        day = at.astimezone(self.tz).date()
        limit = 7 * (len(self.holidays) + 3)
        idle = 0
        while True:
            span = self._span(day)
            if span is not None:
                idle = 0
                yield span
            else:
                idle += 1
                if idle > limit:
                    raise ValueError("the calendar has no working time")
            day += timedelta(days=1)


def calendar_for(config: HandshakeConfig, tz_name: str | None) -> WorkCalendar:
    """A person's calendar: the config's business hours in their time zone.

    `tz_name` is the person's (Slack's `tz`); missing or not a known IANA name, the config's
    `timezone` applies. Without `business_hours`, every instant is working time.
    """
    tz = _zone(tz_name) or ZoneInfo(config.timezone)
    hours = config.business_hours
    if hours is None:
        return WorkCalendar.wall_clock(tz)
    return WorkCalendar(
        tz=tz,
        days=frozenset(DAYS.index(day) for day in hours.days),
        start=hours.start,
        end=hours.end,
        holidays=frozenset(hours.holidays),
    )


def _zone(name: str | None) -> ZoneInfo | None:
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {at!r}")
    return at.astimezone(UTC)
