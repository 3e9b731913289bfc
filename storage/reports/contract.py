"""`/handshake contract`: decided hand-offs by the qualification signals they matched."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, select
from sqlmodel import Session, col

from storage.models import DECIDED, Handoff
from storage.reports.window import Window, in_window


@dataclass(frozen=True)
class SignalTally:
    signals: tuple[str, ...]
    status: str
    routing_error: bool
    code: str | None
    label: str | None
    count: int


def signal_outcomes(window: Window, *, session: Session) -> list[SignalTally]:
    """Decided hand-offs grouped by the set of contract signals they matched.

    `Handoff.signals` is a JSON list. Rather than JSON operators (jsonb `?` on PostgreSQL,
    json_each on SQLite), the query groups by the column's text, which is the same on both
    backends: the combinations are few (subsets of the contract's signals, always written
    in the contract's order), so Python parses one row per combination, status and reason.
    """
    signals = cast(col(Handoff.signals), Text)
    status, code = col(Handoff.status), col(Handoff.reason_code)
    routing_error = col(Handoff.routing_error)
    query = (
        select(
            signals, status, routing_error, code, func.max(col(Handoff.reason_label)), func.count()
        )
        .where(*in_window(window), status.in_(DECIDED))
        .group_by(signals, status, routing_error, code)
    )
    found = []
    for text, status_, routing_error_, code_, label, count in session.execute(query).all():
        names = json.loads(text) if text else None
        found.append(
            SignalTally(tuple(names or ()), status_, bool(routing_error_), code_, label, count)
        )
    return found
