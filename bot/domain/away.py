"""Away, properly: a wall-clock time in a person's own zone made a UTC moment (a time the
clocks skip is refused, a time they repeat is its first occurrence), what a Slack status
counts as away, and which pending hand-offs an absence would strand. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.availability import aware


def zone_of(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The person's zone; an unknown name falls back (a config zone is checked at load)."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """`day at` on the wall clocks of `zone`, in UTC; None when that time does not exist
    there (the hour skipped when clocks go forward). A repeated time (clocks go back) is
    its first occurrence."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first moment after `day` in `zone` (an away date is inclusive), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def show(moment: datetime, zone: ZoneInfo) -> str:
    """ "2026-12-24 12:00 (Europe/Berlin)" """
    return f"{aware(moment).astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def status_says_away(
    emoji: str | None, text: str | None, *, emojis: Iterable[str], texts: Iterable[str]
) -> bool:
    """The status emoji is one of `emojis`, or its text contains one of `texts` (any case)."""
    if emoji and emoji.strip() in {e.strip() for e in emojis if e.strip()}:
        return True
    said = (text or "").casefold()
    return bool(said) and any(word.casefold() in said for word in texts if word.strip())


def status_until(expiration: object) -> datetime | None:
    """Slack's `status_expiration` (epoch seconds; 0: none) as a UTC moment."""
    if isinstance(expiration, bool) or not isinstance(expiration, int | float):
        return None
    if expiration <= 0 or expiration > 4102444800:  # 2100-01-01: nonsense beyond
        return None
    return datetime.fromtimestamp(expiration, UTC)


def strands(deadline: datetime | None, absence_ends: datetime | None) -> bool:
    """A pending hand-off with `deadline` would breach during an absence ending then
    (None: no known end, so every deadline falls inside it)."""
    if deadline is None:
        return False
    return absence_ends is None or aware(deadline) < aware(absence_ends)
