"""A source's record (a dict, flat or nested) → an intake body for `validate_lead`. Pure.

A map is {Handshake field: source path}: a path is a field name, dotted to reach into
nested objects ("program.name", "emails.0"), with alternatives separated by | (the first
present wins: "website|domain"). Fields of the record no path uses are kept as extra fields
under their own names (a nested path uses its whole top-level key). `owner` is a CRM owner
id (or, where the kind allows, an email) turned into `owner_email` through
`people[].crm_ids`; an unknown id is kept as an extra field and routing falls through.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.config import PersonConfig
from bot.intake.body import FieldError

log = logging.getLogger("handshake.intake.sources")

_MISSING = object()


@dataclass(frozen=True)
class Mapped:
    body: dict[str, Any]  # the intake body
    origin: dict[str, str] = field(default_factory=dict)  # intake field → the source's name

    def source_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Errors from `validate_lead`, each named by the source's field where known."""
        renamed = []
        for error in errors:
            root, rest = _split_root(error.field)
            renamed.append(FieldError(self.origin.get(root, root) + rest, error.message))
        return renamed


def _split_root(path: str) -> tuple[str, str]:
    match = re.match(r"[^.\[]*", path)
    end = match.end() if match else len(path)
    return path[:end], path[end:]


def lookup(record: Mapping[str, Any], path: str) -> tuple[Any, str]:
    """The value at `path` and the alternative that held it (the first alternative when none
    did; the value is then `_MISSING`)."""
    alternatives = path.split("|")
    for alternative in alternatives:
        value = _walk(record, alternative.split("."))
        if value is not _MISSING and value is not None and value != "":
            return value, alternative
    return _MISSING, alternatives[0]


def _walk(value: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def normalise_domain(value: Any) -> Any:
    """ "https://www.Acme.com/pricing" → "Acme.com" (validation lowercases it)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    text = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    text = re.sub(r":\d+$", "", text)
    return re.sub(r"^www\.", "", text, flags=re.IGNORECASE)


def owner_email(value: Any, people: list[PersonConfig], crms: tuple[str, ...]) -> str | None:
    """The email of the person whose crm_ids in one of `crms` is `value`; an email as is when
    the kind allows emails (crms has more than one CRM: kind json)."""
    text = str(value).strip()
    if "@" in text and len(crms) > 1:
        return text
    for person in people:
        ids = person.crm_ids
        if ids and any(ids.holds(crm, text) for crm in crms):
            return str(person.email)
    return None


_BAND = re.compile(r"\s*([0-9][0-9,]*)\s*(?:[-–]\s*[0-9][0-9,]*|\+)\s*")


def employee_count(value: Any) -> Any:
    """A headcount band as its lower bound: HubSpot's contact `numemployees` is a dropdown
    of bands ("25-50", "1000+"); any other value as it is, for intake to check."""
    if isinstance(value, str) and (band := _BAND.fullmatch(value)):
        return int(band.group(1).replace(",", ""))
    return value


def map_record(
    record: Mapping[str, Any],
    mapping: Mapping[str, str],
    *,
    people: list[PersonConfig],
    owner_crms: tuple[str, ...],
    prefix: str = "",
    label: Mapping[str, str] | None = None,
) -> Mapped:
    """The intake body for `record`. `prefix` is how the source names the record's fields in
    errors ("properties." for a HubSpot record); `label` names fields that live outside it."""
    label = label or {}
    body: dict[str, Any] = {}
    origin: dict[str, str] = {}
    used: set[str] = set()
    for target, path in mapping.items():
        value, found = lookup(record, path)
        top = found.split(".")[0]
        name = label.get(top, prefix + top) + found[len(top) :]
        used.update(alt.split(".")[0] for alt in path.split("|"))
        if target == "owner":
            _owner(value, top, name, people, owner_crms, body, origin)
            continue
        origin[target] = name
        if value is _MISSING:
            continue
        if target == "company_domain":
            value = normalise_domain(value)
        elif target == "employees":
            value = employee_count(value)
        body[target] = value
    for key, value in record.items():
        if key not in used and key not in body:
            body[key] = value
            origin[key] = label.get(key, prefix + key)
    return Mapped(body, origin)


def _owner(
    value: Any,
    top: str,
    name: str,
    people: list[PersonConfig],
    crms: tuple[str, ...],
    body: dict[str, Any],
    origin: dict[str, str],
) -> None:
    if value is _MISSING:
        return
    if isinstance(value, str | int) and not isinstance(value, bool):
        email = owner_email(value, people, crms)
        if email:
            body["owner_email"] = email
            origin["owner_email"] = name
            return
    log.info("source owner %r names no person through crm_ids (%s); kept as %s", value, crms, top)
    body[top] = value
    origin[top] = name
