"""`contract.require`: what a lead must have, and what its values must be, to qualify.

```yaml
contract:
  require:
    - email                                  # present
    - employees: {min: 200}                  # present and at least 200
    - country: {in: [US, CA, GB]}            # one of these (any case)
    - industry: {not_in: [Education]}        # none of these (any case)
```

A field name alone asks for the value to be present. A field with a rule also asks for the
value: `min` / `max` (numeric fields: employees, score), `in` / `not_in` (text fields,
compared case-insensitively). A missing value fails a value rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from bot.config.errors import fail
from bot.config.scalars import ConfigModel, LeadField
from bot.config.scalars import lead_field_name as _lead_field

NUMERIC_FIELDS = ("employees", "score")
TEXT_FIELDS = ("email", "first_name", "last_name", "title", "company", "company_domain",
               "country", "industry", "campaign", "owner_email", "notes", "crm_url")  # fmt: skip
RULE_KEYS = ("min", "max", "in", "not_in")


def _texts(value: object) -> object:
    """YAML reads `in: [1, 2]` as numbers: compare them as text."""
    if isinstance(value, list):
        numbers = (int, float)
        return [str(v) if isinstance(v, numbers) and not isinstance(v, bool) else v for v in value]
    return value


Texts = Annotated[list[str], BeforeValidator(_texts)]


class Requirement(ConfigModel):
    """One entry of `contract.require`: a lead field, and optionally a rule on its value."""

    model_config = ConfigDict(**ConfigModel.model_config, populate_by_name=True)

    field: LeadField
    min: float | None = None
    max: float | None = None
    in_: Texts | None = Field(default=None, alias="in", min_length=1)
    not_in: Texts | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"field": _lead_field(data)}
        if isinstance(data, Mapping) and len(data) == 1 and "field" not in data:
            ((name, rule),) = data.items()
            _lead_field(str(name))
            if rule is None:
                return {"field": name}
            if not isinstance(rule, Mapping) or not rule:
                raise ValueError(
                    f"write a rule as {name}: {{min: 200}}; its keys: {', '.join(RULE_KEYS)}"
                )
            return {"field": name, **rule}
        if isinstance(data, Mapping) and "field" not in data:
            raise ValueError("one field per entry, like `- employees: {min: 200}`")
        return data

    @model_validator(mode="after")
    def _sensible(self) -> Requirement:
        problems = []
        numeric = self.min is not None or self.max is not None
        if numeric and self.field not in NUMERIC_FIELDS:
            key = "min" if self.min is not None else "max"
            problems.append(
                ((key,), f"{self.field} is not a number; min and max apply to "
                 + ", ".join(NUMERIC_FIELDS))
            )  # fmt: skip
        if (self.in_ or self.not_in) and self.field not in TEXT_FIELDS:
            key = "in" if self.in_ else "not_in"
            problems.append(((key,), f"in and not_in apply to text fields, not {self.field}"))
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append((("min",), f"{self.min:g} is above max ({self.max:g})"))
        if problems:
            fail(problems)
        return self

    @property
    def has_rule(self) -> bool:
        return any(v is not None for v in (self.min, self.max, self.in_, self.not_in))

    def describe(self) -> str:
        """As written in the config: "employees ≥ 200", "country in US, CA", "email"."""
        parts = []
        if self.min is not None:
            parts.append(f"≥ {self.min:g}")
        if self.max is not None:
            parts.append(f"≤ {self.max:g}")
        if self.in_:
            parts.append("in " + ", ".join(self.in_))
        if self.not_in:
            parts.append("not in " + ", ".join(self.not_in))
        return " ".join([self.field, *parts])
