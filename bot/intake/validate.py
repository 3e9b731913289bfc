"""Turn an intake JSON body into a LeadInput, or a list of field errors. Pure."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.intake.body import FieldError, hostile_fields

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
STRING_FIELDS = {
    "source": 100,
    "first_name": 200,
    "last_name": 200,
    "title": 300,
    "company": 300,
    "company_domain": 255,
    "country": 100,
    "industry": 200,
    "campaign": 300,
    "owner_email": 320,
    "notes": 100_000,
    "crm_url": 2000,
}
KNOWN = {"external_id", "email", "employees", "score", "activities", *STRING_FIELDS}
MAX_ACTIVITIES = 1000
MAX_DURATION_S = 366 * 24 * 3600

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
    fields: dict[str, Any] = {}
    errors = _field_errors({k: v for k, v in body.items() if k not in bad}, fields)
    errors = hostile + [e for e in errors if _root(e.field) not in bad]
    if errors:
        return None, errors
    external_id, email = body["external_id"], body["email"]
    external_id = str(external_id) if isinstance(external_id, int) else external_id
    extra = {k: v for k, v in body.items() if k not in KNOWN}
    source = fields.pop("source", "api")
    return LeadInput(external_id.strip(), email.strip().lower(), source, fields, extra), []


def _root(field_path: str) -> str:
    return re.split(r"[.\[]", field_path, maxsplit=1)[0]


def _field_errors(body: dict[str, Any], fields: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []

    external_id = body.get("external_id")
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if not isinstance(external_id, str) or not external_id.strip():
        errors.append(FieldError("external_id", "is required and must be a non-empty string"))
    elif len(external_id) > 255:
        errors.append(FieldError("external_id", "must be at most 255 characters"))

    email = body.get("email")
    if not isinstance(email, str) or not email.strip():
        errors.append(FieldError("email", "is required"))
    elif len(email) > 320 or not EMAIL_RE.match(email.strip()):
        errors.append(FieldError("email", "is not a valid email address"))

    for name, limit in STRING_FIELDS.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if not isinstance(value, str):
            errors.append(FieldError(name, "must be a string"))
        elif len(value) > limit:
            errors.append(FieldError(name, f"must be at most {limit} characters"))
        elif value.strip():
            fields[name] = value.strip()

    if "owner_email" in fields and not EMAIL_RE.match(fields["owner_email"]):
        errors.append(FieldError("owner_email", "is not a valid email address"))
    if "crm_url" in fields and not re.match(r"^https?://\S+$", fields["crm_url"]):
        errors.append(FieldError("crm_url", "must be an http(s) URL"))
    if "company_domain" in fields:
        fields["company_domain"] = fields["company_domain"].lower()

    _number(body, "score", fields, errors, minimum=0, maximum=1_000_000)
    _number(body, "employees", fields, errors, minimum=0, maximum=10_000_000, integer=True)
    _activities(body.get("activities"), fields, errors)
    return errors


def _number(
    body: dict[str, Any],
    name: str,
    fields: dict[str, Any],
    errors: list[FieldError],
    *,
    minimum: float,
    maximum: float,
    integer: bool = False,
) -> None:
    value = body.get(name)
    if value is None or value == "":
        return
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            errors.append(FieldError(name, "must be a number"))
            return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append(FieldError(name, "must be a number"))
    elif integer and value != int(value):
        errors.append(FieldError(name, "must be a whole number"))
    elif not minimum <= value <= maximum:
        errors.append(FieldError(name, f"must be between {minimum:g} and {maximum:g}"))
    else:
        fields[name] = int(value) if integer else float(value)


def _activities(value: Any, fields: dict[str, Any], errors: list[FieldError]) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        errors.append(FieldError("activities", "must be a list of {type, detail, at, duration_s}"))
        return
    if len(value) > MAX_ACTIVITIES:
        errors.append(FieldError("activities", f"must hold at most {MAX_ACTIVITIES} items"))
        return
    clean = []
    for i, item in enumerate(value):
        where = f"activities[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "must be an object"))
            continue
        kind = item.get("type")
        if not isinstance(kind, str) or not kind.strip():
            errors.append(FieldError(f"{where}.type", "is required and must be a string"))
        detail = item.get("detail")
        if detail is not None and not isinstance(detail, str):
            errors.append(FieldError(f"{where}.detail", "must be a string"))
        at = item.get("at")
        if at is not None and (not isinstance(at, str) or _parse_time(at) is None):
            errors.append(FieldError(f"{where}.at", "must be an ISO 8601 date-time"))
        duration = item.get("duration_s")
        if duration is not None and (
            isinstance(duration, bool)
            or not isinstance(duration, int | float)
            or not 0 <= duration <= MAX_DURATION_S
        ):
            message = f"must be a number of seconds from 0 to {MAX_DURATION_S}"
            errors.append(FieldError(f"{where}.duration_s", message))
        clean.append(item)
    fields["activities"] = clean


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
