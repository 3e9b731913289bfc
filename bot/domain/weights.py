"""A person's weight in the round robin on a given day: their roster weight, or the weight
they (or their manager) dialed while the dial lasts; times their ramp while they are new;
times the end-of-quarter boost for the roles it covers. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.config.routing import QuarterEndConfig

RAMP_FROM = 0.25  # a new rep's first day: a quarter of their weight


@dataclass(frozen=True)
class WeightFacts:
    """What decides a person's weight (the `person` row's columns)."""

    role: str
    weight: float = 1.0
    dial_weight: float | None = None
    dial_until: date | None = None  # the dial's last day; None: until dialed again
    ramp_start: date | None = None
    ramp_weeks: int | None = None


def dial_in_force(facts: WeightFacts, today: date) -> float | None:
    """The dialed weight, unless there is none or its last day has passed."""
    if facts.dial_weight is None:
        return None
    if facts.dial_until is not None and facts.dial_until < today:
        return None
    return facts.dial_weight


def ramp_factor(start: date | None, weeks: int | None, today: date) -> float:
    """From RAMP_FROM on (and before) the start day, linearly to 1 after `weeks` weeks."""
    if start is None or not weeks:
        return 1.0
    days, total = (today - start).days, weeks * 7
    if days <= 0:
        return RAMP_FROM
    if days >= total:
        return 1.0
    return RAMP_FROM + (1 - RAMP_FROM) * days / total


def quarter_last_day(today: date, start_month: int) -> date:
    """The last day of the quarter `today` is in, for quarters starting in `start_month`
    and every three months after it."""
    offset = (today.month - start_month) % 3  # months since this quarter began
    first_month_index = today.year * 12 + (today.month - 1) - offset
    next_index = first_month_index + 3
    next_start = date(next_index // 12, next_index % 12 + 1, 1)
    return next_start - timedelta(days=1)


def quarter_boost(role: str, today: date, boost: QuarterEndConfig | None) -> float:
    """`boost.weight` in the last `boost.days` days of the quarter for its roles, else 1."""
    if boost is None or role not in boost.roles:
        return 1.0
    left = (quarter_last_day(today, boost.start_month) - today).days
    return boost.weight if left < boost.days else 1.0


def effective_weight(facts: WeightFacts, today: date, boost: QuarterEndConfig | None) -> float:
    dialed = dial_in_force(facts, today)
    base = facts.weight if dialed is None else dialed
    ramp = ramp_factor(facts.ramp_start, facts.ramp_weeks, today)
    return base * ramp * quarter_boost(facts.role, today, boost)
