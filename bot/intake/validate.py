"""Turn an intake JSON body into a LeadInput, or a list of field errors. Pure.

The checks are `model.LeadBody`'s; this module names each failed one by its path
(`activities[0].at`) and hands the accepted values to the rest of intake as a LeadInput.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.intake.body import FieldError, hostile_fields
from bot.intake.model import LeadBody

OPTIONAL = [name for name in LeadBody.model_fields if name not in ("external_id", "email")]

__all__ = ["FieldError", "LeadInput", "validate_lead"]


@dataclass
class LeadInput:
    external_id: str
    email: str
    source: str = "api"
    fields: dict[str, Any] = field(default_factory=dict)  # known optional fields that were given
    extra: dict[str, Any] = field(default_factory=dict)  # unknown fields, kept as sent

    def as_mapping(self) -> dict[str, Any]:
        return {
            "external_id": self.external_id,
            "email": self.email,
            "source": self.source,
            **self.fields,
        }


def validate_lead(
    body: Any, found: list[FieldError] | None = None
) -> tuple[LeadInput | None, list[FieldError]]:
    """A body as `bot.intake.body.parse_json` returns it, with the errors it `found`:
    each bad field named once."""
    if not isinstance(body, dict):
        return None, found or [FieldError("body", "must be a JSON object")]
    hostile, bad = hostile_fields(body, found or [])
    try:
        lead = LeadBody.model_validate({k: v for k, v in body.items() if k not in bad})
    except ValidationError as exc:
        errors = [FieldError(_path(e["loc"]), e["msg"]) for e in exc.errors(include_url=False)]
        return None, hostile + [e for e in errors if _root(e.field) not in bad]
    if hostile:
        return None, hostile
    fields = {name: value for name in OPTIONAL if (value := getattr(lead, name)) is not None}
    if "activities" in fields:  # kept as sent, unknown keys and all
        fields["activities"] = list(body["activities"])
    source = fields.pop("source", "api")
    return LeadInput(lead.external_id, lead.email, source, fields, dict(lead.model_extra or {})), []


def _path(loc: tuple[int | str, ...]) -> str:
    """("activities", 0, "at") → "activities[0].at"."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _root(field_path: str) -> str:
    return re.split(r"[.\[]", field_path, maxsplit=1)[0]
