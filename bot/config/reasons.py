"""Reject and hand-back reasons: the model and the built-in lists (config can replace them)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def checked_code(value: str, *, what: str, longest: int, example: str) -> str:
    """A code reports group by (a reason's, a criterion's): letters, digits and - _ ."""
    if len(value) > longest or not _CODE.fullmatch(value):
        raise ValueError(
            f'"{value}" is not a {what} code; expected letters, digits and - _ . '
            f"(at most {longest}), like {example}"
        )
    return value


class Reason(BaseModel):
    """One choice in the Reject / Hand back modal.

    `reroute` (reject only, in practice): the lead goes to its right owner instead of
    being closed, and the rejection counts as a routing error in reports.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1)
    label: str = Field(min_length=1)
    reroute: bool = False

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return checked_code(value, what="reason", longest=50, example="R-DATA")

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if len(value) > 75:  # Slack's limit for the text of a menu option
            raise ValueError(f"is {len(value)} characters; Slack shows at most 75 in a menu")
        return value


DEFAULT_REJECT_REASONS: tuple[Reason, ...] = (
    Reason(code="R-DATA", label="Bad or unverifiable data"),
    Reason(code="R-ICP", label="Not our customer profile (size, industry, geography)"),
    Reason(code="R-AUTHORITY", label="Wrong person or no authority"),
    Reason(code="R-CUSTOMER", label="Existing customer or open opportunity"),
    Reason(code="R-JUNK", label="Junk, competitor or student"),
    Reason(code="R-DUPLICATE", label="Duplicate"),
    Reason(code="R-OWNER", label="Wrong owner or territory", reroute=True),
)

DEFAULT_HANDBACK_REASONS: tuple[Reason, ...] = (
    Reason(code="N-UNREACHABLE", label="Unable to reach"),
    Reason(code="N-NONEED", label="No current need"),
    Reason(code="N-BUDGET", label="No budget now"),
    Reason(code="N-TIMING", label="Timing: the project is months out"),
    Reason(code="N-RESEARCH", label="Early research only"),
    Reason(code="N-COMPETITOR", label="Chose a competitor or under contract"),
)

DEFAULT_DISQUALIFY_REASONS: tuple[Reason, ...] = (
    Reason(code="D-NOFIT", label="Not a fit once we talked (size, use case)"),
    Reason(code="D-NOAUTHORITY", label="No authority and no path to the buyer"),
    Reason(code="D-NOBUDGET", label="No budget, and none planned"),
    Reason(code="D-NOINTEREST", label="Not interested, did not ask for contact"),
    Reason(code="D-BADDATA", label="Wrong contact details or fake"),
    Reason(code="D-CUSTOMER", label="Existing customer or open opportunity"),
)
