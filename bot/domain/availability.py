"""Whether a person can take a lead right now, beyond the whole-day away date and the
daily cap that `routing.Rep` checks itself: a timed absence, a Slack status that says
away, a deactivated Slack account. Pure: the caller loads the facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.routing import AWAY, DEACTIVATED, Skip


@dataclass(frozen=True)
class AvailabilityFacts:
    """The `person` row's columns that say whether they are there."""

    away_from: datetime | None = None  # a timed absence (UTC); None with away_to: from now
    away_to: datetime | None = None  # None: no timed absence
    status_away: bool = False  # their Slack status says away (routing.away_status)
    status_text: str | None = None
    deactivated: bool = False  # Slack reports the account deactivated


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive: they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def away_window(facts: AvailabilityFacts, now: datetime) -> bool:
    """`now` falls in the timed absence."""
    if facts.away_to is None:
        return False
    start_ok = facts.away_from is None or aware(facts.away_from) <= now
    return start_ok and now < aware(facts.away_to)


def unavailable_now(facts: AvailabilityFacts, now: datetime) -> Skip | None:
    if facts.deactivated:
        return Skip(DEACTIVATED, "deactivated in Slack")
    if away_window(facts, now):
        assert facts.away_to is not None
        return Skip(AWAY, f"away until {aware(facts.away_to).isoformat(timespec='minutes')}")
    if facts.status_away:
        said = f" ({facts.status_text})" if facts.status_text else ""
        return Skip(AWAY, f"away by their Slack status{said}")
    return None
