"""The SLA keys of the config: durations, tiers selected by lead fields, business hours.

Every duration is checked in order (respond_within <= escalate_after <= reassign_after,
follow_up_within <= follow_up_escalate_after), for the base set and for each tier's set in
force (the base with the tier's overrides), each problem at its own key path.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from pydantic import Field, model_validator

from bot.config.durations import format_duration
from bot.config.errors import Loc, Problem, duplicates, fail, fail_if
from bot.config.qualification import MeetingSlaConfig
from bot.config.scalars import ClockTime, ConfigModel, Duration, WeekDay

SLA_KEYS = (
    "respond_within", "escalate_after", "reassign_after",
    "follow_up_within", "follow_up_escalate_after",
)  # fmt: skip
# Pairs that must be in order (first <= second), and the rule to quote when they are not.
_DECISION = "expected respond_within <= escalate_after <= reassign_after"
_FOLLOW_UP = "expected follow_up_within <= follow_up_escalate_after"
_STEPS = (
    ("respond_within", "escalate_after", _DECISION),
    ("escalate_after", "reassign_after", _DECISION),
    ("follow_up_within", "follow_up_escalate_after", _FOLLOW_UP),
)


class TierWhen(ConfigModel):
    """A tier applies to a lead that matches every condition given (at least one)."""

    min_score: float | None = Field(default=None, ge=0)  # lead.score >= this (missing: 0)
    campaign: str | None = None  # lead.campaign equal to this, any case
    activity: str | None = None  # the lead has an activity of this type, e.g. demo_request

    @model_validator(mode="after")
    def _some_condition(self) -> TierWhen:
        if self.min_score is None and self.campaign is None and self.activity is None:
            fail([((), "needs at least one condition: min_score, campaign or activity")])
        return self


class TierConfig(ConfigModel):
    name: str  # unique; shown on the card
    when: TierWhen
    respond_within: Duration | None = None  # each one omitted: the base value
    escalate_after: Duration | None = None
    reassign_after: Duration | None = None
    follow_up_within: Duration | None = None
    follow_up_escalate_after: Duration | None = None  # omitted: twice the tier's
    # follow_up_within when the tier sets that, else the base value

    def overrides(self) -> dict[str, timedelta]:
        return {key: value for key in SLA_KEYS if (value := getattr(self, key)) is not None}


class SlaConfig(ConfigModel):
    respond_within: Duration = timedelta(hours=4)
    escalate_after: Duration = timedelta(hours=8)
    reassign_after: Duration = timedelta(hours=24)
    follow_up_within: Duration = timedelta(days=2)
    # Default: twice follow_up_within (set after validation, so the type stays timedelta).
    follow_up_escalate_after: Duration = None  # type: ignore[assignment]
    tiers: list[TierConfig] = []  # the first whose `when` matches a lead applies
    meeting: MeetingSlaConfig = Field(default_factory=MeetingSlaConfig)  # the AE's decision
    dispute_within: Duration = timedelta(days=1)  # the manager's ruling; the admins at twice

    @model_validator(mode="after")
    def _in_order(self) -> SlaConfig:
        if self.follow_up_escalate_after is None:
            object.__setattr__(self, "follow_up_escalate_after", 2 * self.follow_up_within)
        problems = _order_problems(self.durations(), None, ())
        for i, tier in enumerate(self.tiers):
            problems += _order_problems(self.durations(tier), set(tier.overrides()), ("tiers", i))
        problems += duplicates("tiers", [t.name for t in self.tiers], "name")
        fail_if(problems)
        return self

    def durations(self, tier: TierConfig | None = None) -> dict[str, timedelta]:
        """The five durations in force for a tier (None: the base ones), by key."""
        values = {key: getattr(self, key) for key in SLA_KEYS}
        if tier is None:
            return values
        own = tier.overrides()
        if "follow_up_within" in own and "follow_up_escalate_after" not in own:
            own["follow_up_escalate_after"] = 2 * own["follow_up_within"]
        return values | own


def _order_problems(values: dict[str, timedelta], own: set[str] | None, at: Loc) -> list[Problem]:
    """Pairs out of order. `own`: the keys a tier sets (None: the base set, all its own).

    A tier's problem is reported at a key the tier sets; a pair it sets neither side of
    is the base set's problem, reported once at `sla.…`.
    """
    problems: list[Problem] = []
    for before, key, rule in _STEPS:
        limit, value = values[before], values[key]
        if value >= limit:
            continue
        if own is None or key in own:
            source = "" if own is None or before in own else ", from sla"
            msg = f"{format_duration(value)} is shorter than {before} ({format_duration(limit)}"
            problems.append(((*at, key), f"{msg}{source}); {rule}"))
        elif before in own:
            msg = f"{format_duration(limit)} is longer than {key} ({format_duration(value)}"
            problems.append(((*at, before), f"{msg}, from sla); {rule}"))
    return problems


class BusinessHoursConfig(ConfigModel):
    days: list[WeekDay] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    start: ClockTime = time(9)
    end: ClockTime = time(18)
    holidays: list[date] = []

    @model_validator(mode="after")
    def _end_after_start(self) -> BusinessHoursConfig:
        if self.end <= self.start:
            fail([(("end",), f"{self.end:%H:%M} is not after start ({self.start:%H:%M})")])
        return self
