"""Dials: a person's weight turned up or down within `routing.weight_range`, and the parts
of their weight of the day, as a person sees them. Pure; the weight itself is
`bot.domain.weights`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.config.routing import QuarterEndConfig
from bot.domain.weights import (
    WeightFacts,
    dial_in_force,
    effective_weight,
    quarter_boost,
    quarter_last_day,
    ramp_factor,
)

STEP = 1.0  # `dial up` / `dial down`
DIAL_AHEAD = timedelta(days=366)  # a dial's last day: at most a year ahead
REP_ROLES = ("ae", "sdr")  # the people routing hands leads to: only they have a weight
_WEIGHT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")  # 2, 1.5, 0.25: ASCII digits only


def parse_weight(text: object) -> float | None:
    """A weight as written (`/handshake dial 1.5`, Home's menu); None for anything else.
    Whether it is within `routing.weight_range` is the caller's question."""
    if not isinstance(text, str) or not _WEIGHT.fullmatch(text):
        return None
    return float(text)


@dataclass(frozen=True)
class DialRequest:
    """`/handshake dial …` as written: the service resolves it against the person's weight
    and `routing.weight_range`. No `change`: show the weight and why."""

    target: str | None = None  # a rep's Slack ID (a manager dialing them); None: oneself
    change: str | None = None  # "up", "down", "set" (to `weight`) or "off"
    weight: float | None = None
    until: date | None = None  # the dial's last day; None: until dialed again
    end_of_quarter: bool = False  # until the current quarter's last day


@dataclass(frozen=True)
class Dialed:
    """A new dial: its weight, and whether it was held at an end of the range."""

    weight: float
    clamped: bool = False


def stepped(current: float, step: float, low: float, high: float) -> Dialed:
    """`current` moved by `step`, held within [low, high]."""
    wanted = current + step
    held = min(max(wanted, low), high)
    return Dialed(held, clamped=held != wanted)


def dial_base(facts: WeightFacts, today: date) -> float:
    """What `dial up` / `dial down` start from: the dial in force, else the roster weight."""
    dialed = dial_in_force(facts, today)
    return facts.weight if dialed is None else dialed


def end_of_quarter(today: date, boost: QuarterEndConfig | None) -> date:
    """The last day of the current quarter (quarters start in `routing.quarter_end`'s
    `start_month`, January without it)."""
    return quarter_last_day(today, boost.start_month if boost else 1)


def latest_dial_day(today: date) -> date:
    return today + DIAL_AHEAD


@dataclass(frozen=True)
class WeightParts:
    """A person's weight of the day and what makes it."""

    roster: float
    dial: float | None  # the dial in force
    dial_until: date | None  # its last day (None: until dialed again)
    ramp: float  # 1: not ramping
    ramp_full_on: date | None  # the day the ramp reaches the full weight, while ramping
    boost: float  # 1: no end-of-quarter boost today
    boost_until: date | None  # the quarter's last day, while boosted
    effective: float


def weight_parts(facts: WeightFacts, today: date, boost: QuarterEndConfig | None) -> WeightParts:
    dialed = dial_in_force(facts, today)
    ramp = ramp_factor(facts.ramp_start, facts.ramp_weeks, today)
    full_on = None
    if ramp < 1 and facts.ramp_start is not None and facts.ramp_weeks:
        full_on = facts.ramp_start + timedelta(weeks=facts.ramp_weeks)
    factor = quarter_boost(facts.role, today, boost)
    boost_until = None
    if factor != 1 and boost is not None:
        boost_until = quarter_last_day(today, boost.start_month)
    return WeightParts(
        roster=facts.weight,
        dial=dialed,
        dial_until=facts.dial_until if dialed is not None else None,
        ramp=ramp,
        ramp_full_on=full_on,
        boost=factor,
        boost_until=boost_until,
        effective=effective_weight(facts, today, boost),
    )
