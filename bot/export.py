"""`handshake export`: one row per hand-off, for the sales-marketing review."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Engine

from bot.domain.leads import lead_label
from storage.db import unit_of_work
from storage.handoffs import HandoffRow, handoffs_created_since

COLUMNS = [
    "handoff_id",
    "lead_id",
    "lead",
    "email",
    "company",
    "campaign",
    "source",
    "owner",
    "owner_id",
    "rule",
    "status",
    "reason_code",
    "reason",
    "note",
    "routing_error",
    "contract_version",
    "tier",
    "created",
    "decided",
    "decided_by",
    "minutes_to_decision",
    "reassign_reason",
    "first_touch",
    "first_touch_at",
    "touch_reason_code",
    "touch_reason",
    "touch_note",
    "minutes_to_first_touch",
]


def export_rows(since: datetime, *, engine: Engine) -> list[dict[str, Any]]:
    with unit_of_work(engine) as session:
        return [_row(r) for r in handoffs_created_since(since, session=session)]


def _row(r: HandoffRow) -> dict[str, Any]:
    h = r.handoff
    minutes = round((h.decided_at - h.created_at).total_seconds() / 60, 1) if h.decided_at else None
    return {
        "handoff_id": h.id,
        "lead_id": h.lead_id,
        "lead": lead_label(r.lead),
        "email": r.lead.email,
        "company": r.lead.company,
        "campaign": r.lead.campaign,
        "source": r.lead.source,
        "owner": r.owner.name,
        "owner_id": h.owner_id,
        "rule": h.rule,
        "status": h.status,
        "reason_code": h.reason_code,
        "reason": h.reason_label,
        "note": h.note,
        "routing_error": h.routing_error,
        "contract_version": h.contract_version,
        "tier": h.tier,
        "created": h.created_at.isoformat(),
        "decided": h.decided_at.isoformat() if h.decided_at else None,
        "decided_by": h.decided_by,
        "minutes_to_decision": minutes,
        "reassign_reason": h.reassign_reason,
        "first_touch": h.first_touch,
        "first_touch_at": h.first_touch_at.isoformat() if h.first_touch_at else None,
        "touch_reason_code": h.touch_reason_code,
        "touch_reason": h.touch_reason_label,
        "touch_note": h.touch_note,
        "minutes_to_first_touch": (
            round((h.first_touch_at - h.decided_at).total_seconds() / 60, 1)
            if h.first_touch_at and h.decided_at
            else None
        ),
    }


def write(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    rows = list(rows)
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return len(rows)


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text that came from outside."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
