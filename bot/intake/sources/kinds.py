"""Each source kind's default map and body reading, and the intake body they make together."""

from __future__ import annotations

import logging
from typing import Any

from bot.config import PersonConfig, SourceConfig
from bot.intake.body import MAX_FIELDS, FieldError
from bot.intake.sources import hubspot, json_source, salesforce
from bot.intake.sources.mapping import Mapped, map_record

log = logging.getLogger("handshake.intake.sources")

# kind → its DEFAULT_MAP (Handshake field → source path).
DEFAULT_MAPS: dict[str, dict[str, str]] = {
    "hubspot": hubspot.DEFAULT_MAP,
    "json": json_source.DEFAULT_MAP,
    "salesforce": salesforce.DEFAULT_MAP,
}
# kind → the CRMs whose people[].crm_ids an `owner` value is looked up in.
OWNER_CRMS: dict[str, tuple[str, ...]] = {
    "hubspot": hubspot.OWNER_CRMS,
    "json": json_source.OWNER_CRMS,
    "salesforce": ("salesforce",),
}


def source_map(source: SourceConfig) -> dict[str, str]:
    """The kind's default map, overridden and extended by the source's `map`."""
    return {**DEFAULT_MAPS.get(source.kind, {}), **source.map}


def map_fields(
    source: SourceConfig,
    record: dict[str, Any],
    people: list[PersonConfig],
    *,
    prefix: str = "",
    label: dict[str, str] | None = None,
) -> Mapped:
    """A flat-or-nested record of this source → the intake body, its `source` the source's
    name whatever the record says."""
    mapped = map_record(
        record,
        source_map(source),
        people=people,
        owner_crms=OWNER_CRMS[source.kind],
        prefix=prefix,
        label=label,
    )
    mapped.body["source"] = source.name
    return _within_cap(mapped, source)


def lead_body(
    source: SourceConfig, data: Any, people: list[PersonConfig]
) -> tuple[Mapped | None, list[FieldError]]:
    """A parsed JSON body (hubspot, json) → the intake body, or the errors in its terms."""
    if source.kind == "hubspot":
        record, errors = hubspot.read_record(data)
        if record is None:
            return None, errors
        return map_fields(
            source, record.fields, people, prefix=record.prefix, label=record.label
        ), []
    if not isinstance(data, dict):
        return None, [FieldError("body", "must be a JSON object")]
    return map_fields(source, data, people), []


def _within_cap(mapped: Mapped, source: SourceConfig) -> Mapped:
    """HubSpot's "include all properties" can send more fields than intake keeps: empty extra
    fields are dropped first, then the last ones beyond the cap (logged)."""
    body = mapped.body
    if len(body) <= MAX_FIELDS:
        return mapped
    mapped_keys = set(source_map(source)) | {"source", "external_id", "owner_email"}
    kept = {k: v for k, v in body.items() if k in mapped_keys or v not in (None, "", [], {})}
    if len(kept) > MAX_FIELDS:
        extra = [k for k in kept if k not in mapped_keys]
        dropped = extra[len(extra) - (len(kept) - MAX_FIELDS) :]
        log.warning(
            "source %s sent %d fields; intake keeps %d: dropped %s",
            source.name, len(body), MAX_FIELDS, ", ".join(dropped),
        )  # fmt: skip
        kept = {k: v for k, v in kept.items() if k not in dropped}
    return Mapped(kept, mapped.origin)
