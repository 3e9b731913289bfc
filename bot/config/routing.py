"""The routing keys of the config: who goes first, the weights people can dial, the end of
quarter boost, a new rep's ramp, on-shift routing and what a Slack status counts as away.

`routing.weight_range` bounds every dial (a rep's own or their manager's); a person's
`weight` in the roster is their starting point. The effective weight of a person on a day
is worked out by `bot.domain.weights`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field, model_validator

from bot.config.errors import fail
from bot.config.scalars import ConfigModel, Duration

MAX_WEIGHT = 100.0  # the largest weight a config may give or allow
DEFAULT_AWAY_EMOJI = (":palm_tree:", ":face_with_thermometer:")
DEFAULT_AWAY_TEXT = ("OOO", "Out of office", "vacation")


class RampConfig(ConfigModel):
    """A new rep's weight grows linearly from a quarter of it on `start` to all of it
    `weeks` weeks later."""

    start: date
    weeks: int = Field(default=6, ge=1, le=52)


class QuarterEndConfig(ConfigModel):
    """In the last `days` days of each quarter, people of `roles` have their weight
    multiplied by `weight`. Quarters start in `start_month` (1: January) and every three
    months after it."""

    days: int = Field(default=30, ge=1, le=92)
    weight: float = Field(default=2.0, gt=0, le=MAX_WEIGHT)
    roles: list[Literal["ae", "sdr"]] = Field(default=["ae"], min_length=1)
    start_month: int = Field(default=1, ge=1, le=12)


class AwayStatusConfig(ConfigModel):
    """A Slack status that says its person is away: its emoji is one of `emoji`, or its
    text contains one of `text` (any case)."""

    emoji: list[str] = Field(default=list(DEFAULT_AWAY_EMOJI))
    text: list[str] = Field(default=list(DEFAULT_AWAY_TEXT))


class RoutingConfig(ConfigModel):
    first_line: Literal["ae", "sdr"] = "ae"  # who gets a new lead: AEs directly, or SDRs first
    weight_range: tuple[float, float] = (0.0, 3.0)  # the lowest and highest weight a dial sets
    quarter_end: QuarterEndConfig | None = None  # None: no end-of-quarter boost
    on_shift_only: bool = False  # new leads only to people inside their working hours
    max_wait: Duration = timedelta(hours=4)  # nobody on shift: then the team's manager
    away_status: AwayStatusConfig = Field(default_factory=AwayStatusConfig)

    @model_validator(mode="after")
    def _range_in_order(self) -> RoutingConfig:
        low, high = self.weight_range
        if low < 0 or high > MAX_WEIGHT or low >= high:
            msg = f"[{low:g}, {high:g}] is not a range: expected [low, high] with"
            fail([(("weight_range",), f"{msg} 0 <= low < high <= {MAX_WEIGHT:g}")])
        return self
