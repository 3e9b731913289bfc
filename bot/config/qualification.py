"""The SDR → AE stage in the config: the qualification criteria the team agreed, and the
stage's clock.

```yaml
qualification:
  version: "2026-11"
  criteria:
    - {code: VALUE, question: "Can we demonstrate sufficient value?"}
sla:
  meeting: {decide_within: 24h, escalate_after: 48h}
```

Without a `qualification` block the three criteria below are in force. At most 10
criteria: each is a select and a comment in the Meeting booked modal, and the AE's card
shows each with its answer.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator, model_validator

from bot.config.durations import format_duration
from bot.config.errors import duplicates, fail, fail_if
from bot.config.reasons import checked_code
from bot.config.scalars import ConfigModel, ContractVersion, Duration

MAX_CRITERIA = 10

# The answers an SDR gives to each criterion, in the order the modal offers them.
YES, UNSURE, NO = "yes", "unsure", "no"
ANSWERS = (YES, UNSURE, NO)


class Criterion(ConfigModel):
    code: str  # stable: reports group by it across versions
    question: str  # shown in the modal and on the AE's card

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return checked_code(value, what="criterion", longest=30, example="VALUE")

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        if len(value) > 150:  # a modal's input label holds at most 2,000, a menu option 75
            raise ValueError(f"is {len(value)} characters; keep a question to 150")
        return value


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(code="VALUE", question="Can we demonstrate sufficient value?"),
    Criterion(code="PROFIT", question="Can we deliver with profit?"),
    Criterion(code="COMPETE", question="Can we compete?"),
)
DEFAULT_QUALIFICATION_VERSION = "default"


class QualificationConfig(ConfigModel):
    version: ContractVersion = DEFAULT_QUALIFICATION_VERSION
    criteria: list[Criterion] = Field(
        default=list(DEFAULT_CRITERIA), min_length=1, max_length=MAX_CRITERIA
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> QualificationConfig:
        fail_if(duplicates("criteria", [c.code for c in self.criteria], "code"))
        return self

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)


class MeetingSlaConfig(ConfigModel):
    """The AE's clock, counted from the meeting's time: a nudge to the AE when
    `decide_within` has passed with no decision, the AE's manager told at `escalate_after`
    (default: twice `decide_within`)."""

    decide_within: Duration = timedelta(hours=24)
    escalate_after: Duration = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _in_order(self) -> MeetingSlaConfig:
        if self.escalate_after is None:
            object.__setattr__(self, "escalate_after", 2 * self.decide_within)
        elif self.escalate_after < self.decide_within:
            msg = f"{format_duration(self.escalate_after)} is shorter than decide_within"
            fail([(("escalate_after",), f"{msg} ({format_duration(self.decide_within)})")])
        return self
