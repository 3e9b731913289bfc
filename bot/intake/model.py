"""The intake body as one pydantic model (DESIGN §3). Pure.

The validator (`validate.py`) and the published description (`openapi.py`) are both this
model, so they cannot disagree: each field states its limits as pydantic constraints, which
both check the value and are what the schema shows, and says in Handshake's words what a
failed check means (`worded`). Values no field may hold (NUL, lone surrogates, huge
integers, deep nesting, giant keys) never get here: `body.py` refuses them first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.intake.body import MAX_FIELDS, MAX_INT_DIGITS, MAX_KEY_LENGTH

SCORE_MAX = 1_000_000
EMPLOYEES_MAX = 10_000_000
MAX_ACTIVITIES = 1000
MAX_DURATION_S = 366 * 24 * 3600
BIGGEST = 10**MAX_INT_DIGITS - 1  # body.py refuses longer integers anywhere
# Patterns see the value as sent (surrounding whitespace is stripped afterwards) and say
# what body.py also refuses everywhere, NUL, so that the schema tells the whole rule.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^\s*[^\s\x00][^\x00]*$"
HAS_NUL = "contains a NUL character (\\u0000)"  # body.py's wording
_EMAIL = r"[^@\s<>\x00]+@[^@\s<>\x00]+\.[^@\s<>\x00]+"
EMAIL_PATTERN = rf"^\s*{_EMAIL}\s*$"
OPTIONAL_EMAIL_PATTERN = rf"^\s*(?:{_EMAIL})?\s*$"  # blank: not given
URL_PATTERN = r"^\s*(?:https?://[^\s\x00]+)?\s*$"
# Python's regular expressions: `\s` is exactly the whitespace str.strip() removes.
_CONFIG = ConfigDict(strict=True, extra="allow", regex_engine="python-re")


def worded(*, required: str | None = None, other: str, **by_type: str) -> WrapValidator:
    """Pydantic's own checks on a field, answered in Handshake's words: a message per
    pydantic error type (it may name the error's context, `{max_length}`), `other` for any
    other. None (and "" for text) means not given: let through, or refused with `required`.
    Errors inside the value (an activity's fields) pass through as they are."""

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if required and (value is None or (isinstance(value, str) and not value.strip())):
            raise PydanticCustomError("missing", required)
        if value is None:
            return None
        try:
            return handler(value)
        except ValidationError as exc:
            errors = exc.errors()
            if any(e["loc"] for e in errors):
                raise
            error = errors[0]
            message = by_type.get(error["type"], other)
            raise PydanticCustomError(error["type"], message, error.get("ctx")) from None

    return WrapValidator(check)


def also_accepts(*alternatives: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """Schema only: the JSON forms a field's before-validator turns into its type."""

    def extend(schema: dict[str, Any]) -> None:
        if "anyOf" not in schema:
            own = {k: schema.pop(k) for k in list(schema) if k not in ("title", "description")}
            schema["anyOf"] = [own]
        schema["anyOf"][1:1] = alternatives

    return extend


def _stripped(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # what the published schema's strings are


def _number(value: Any) -> Any:
    """A numeric string, written in plain decimals ("75", "75.5"), as its number; "" as not
    given. Python's float() would also take "1_000", "1e3" or "inf", which the published
    schema does not."""
    if isinstance(value, str):
        if value == "":
            return None
        if not _DECIMAL.fullmatch(value.strip()):
            raise PydanticCustomError("float_parsing", "must be a number")
        return float(value.strip())
    return value


def _count(value: Any) -> Any:
    value = _number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("finite_number", "must be a number")
        if value != int(value):
            raise PydanticCustomError("int_from_float", "must be a whole number")
        return int(value)
    return value


def _int_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _iso_time(value: str | None) -> str | None:
    if value is not None:
        datetime.fromisoformat(value.replace("Z", "+00:00"))  # ValueError: not a date-time
    return value


def text(limit: int, *, pattern: str = NO_NUL, bad: str = HAS_NUL) -> Any:
    """An optional text field of at most `limit` characters, stripped; blank is not given."""
    return Annotated[
        str | None,
        Field(max_length=limit, pattern=pattern),
        AfterValidator(_stripped),
        worded(
            string_type="must be a string",
            string_too_long="must be at most {max_length} characters",
            string_pattern_mismatch=bad,
            other="must be a string",
        ),
    ]


def number_words(high: float) -> WrapValidator:
    between = f"must be between 0 and {high:g}"
    return worded(other="must be a number", greater_than_equal=between, less_than_equal=between)


TYPE_REQUIRED = "is required and must be a string"


class Activity(BaseModel):
    """Something the lead did. Unknown keys are kept."""

    model_config = _CONFIG

    type: Annotated[
        str,
        Field(pattern=NOT_BLANK, description="e.g. page_view, demo_request, webinar"),
        worded(required=TYPE_REQUIRED, other=TYPE_REQUIRED),
    ]
    detail: Annotated[
        str | None,
        Field(pattern=NO_NUL),
        worded(string_pattern_mismatch=HAS_NUL, other="must be a string"),
    ] = None
    at: Annotated[
        str | None,
        Field(json_schema_extra=lambda schema: schema["anyOf"][0].update(format="date-time")),
        AfterValidator(_iso_time),
        worded(other="must be an ISO 8601 date-time"),
    ] = None
    duration_s: Annotated[
        float | None,
        Field(ge=0, le=MAX_DURATION_S, allow_inf_nan=False),
        worded(other=f"must be a number of seconds from 0 to {MAX_DURATION_S}"),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _an_object_with_a_type(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("model_type", "must be an object")
        return data if "type" in data else {**data, "type": None}


class LeadBody(BaseModel):
    """A lead as `POST /api/leads` takes it. Unknown fields are kept as sent."""

    model_config = ConfigDict(
        **_CONFIG,
        title="LeadBody",
        # Checked by body.py before this model, for every field known or not.
        json_schema_extra={
            "maxProperties": MAX_FIELDS,
            "propertyNames": {"maxLength": MAX_KEY_LENGTH, "pattern": NO_NUL},
        },
    )

    external_id: Annotated[
        str,
        Field(
            max_length=255,
            pattern=NOT_BLANK,
            description="The lead's id in its system of record; an integer is taken as text.",
            json_schema_extra=also_accepts(
                {"type": "integer", "maximum": BIGGEST, "minimum": -BIGGEST}
            ),
        ),
        AfterValidator(str.strip),
        worded(
            required="is required and must be a non-empty string",
            string_too_long="must be at most {max_length} characters",
            other="is required and must be a non-empty string",
        ),
        BeforeValidator(_int_as_text),
    ]
    email: Annotated[
        str,
        Field(max_length=320, pattern=EMAIL_PATTERN),
        AfterValidator(lambda email: email.strip().lower()),
        worded(
            required="is required", string_type="is required", other="is not a valid email address"
        ),
    ]
    source: Annotated[
        text(100), Field(description="The system of record; `api` when not given.")
    ] = None
    first_name: text(200) = None
    last_name: text(200) = None
    title: text(300) = None
    company: text(300) = None
    company_domain: Annotated[text(255), AfterValidator(lambda d: d and d.lower())] = None
    country: text(100) = None
    industry: text(200) = None
    campaign: text(300) = None
    owner_email: Annotated[
        text(320, pattern=OPTIONAL_EMAIL_PATTERN, bad="is not a valid email address"),
        Field(description="The owner the CRM names; routing falls through when unknown or away."),
    ] = None
    notes: text(100_000) = None
    crm_url: text(2000, pattern=URL_PATTERN, bad="must be an http(s) URL") = None
    score: Annotated[
        float | None,
        Field(
            ge=0,
            le=SCORE_MAX,
            allow_inf_nan=False,
            description="A missing score counts as 0.",
            json_schema_extra=also_accepts(
                {"type": "string", "pattern": r"^(?:[0-9]{1,6}(?:\.[0-9]{1,6})?)?$"}
            ),
        ),
        number_words(SCORE_MAX),
        BeforeValidator(_number),
    ] = None
    employees: Annotated[
        int | None,
        Field(
            ge=0,
            le=EMPLOYEES_MAX,
            json_schema_extra=also_accepts({"type": "string", "pattern": r"^(?:[0-9]{1,7})?$"}),
        ),
        number_words(EMPLOYEES_MAX),
        BeforeValidator(_count),
    ] = None
    activities: Annotated[
        list[Activity] | None,
        Field(max_length=MAX_ACTIVITIES),
        worded(
            too_long=f"must hold at most {MAX_ACTIVITIES} items",
            other="must be a list of {type, detail, at, duration_s}",
        ),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _required_fields_present(cls, data: Any) -> Any:
        """So that a missing required field gets its own wording, like a null one."""
        if isinstance(data, dict) and not ("external_id" in data and "email" in data):
            return {"external_id": None, "email": None, **data}
        return data
