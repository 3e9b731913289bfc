"""`/handshake contract`: decided hand-offs by the qualification signals they matched."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, case, cast, func, select
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


def signal_outcomes(
    window: Window, *, session: Session, version: str | None = None
) -> list[SignalTally]:
    """Decided hand-offs grouped by the set of contract signals they matched; `version`:
    only those routed under that contract version (`Handoff.contract_version`).

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
        .where(*in_window(window), status.in_(DECIDED), *_of_version(version))
        .group_by(signals, status, routing_error, code)
    )
    found = []
    for text, status_, routing_error_, code_, label, count in session.execute(query).all():
        names = json.loads(text) if text else None
        found.append(
            SignalTally(tuple(names or ()), status_, bool(routing_error_), code_, label, count)
        )
    return found


def _of_version(version: str | None) -> list[Any]:
    return [] if version is None else [col(Handoff.contract_version) == version]


@dataclass(frozen=True)
class VersionTally:
    version: str
    first: bool  # the lead's first hand-off (not a reassignment or a re-route)
    status: str
    routing_error: bool
    code: str | None
    label: str | None
    count: int


def version_outcomes(
    versions: list[str], *, session: Session, owners: frozenset[str] | None = None
) -> list[VersionTally]:
    """Every hand-off routed under one of `versions`, whenever it was created, grouped by
    version, first or not, status and reason (`contract compare`)."""
    version, status, code = (
        col(Handoff.contract_version),
        col(Handoff.status),
        col(Handoff.reason_code),
    )
    routing_error = col(Handoff.routing_error)
    first = case((col(Handoff.previous_id).is_(None), 1), else_=0)
    where = [version.in_(versions)]
    if owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(owners)))
    query = (
        select(version, first, status, routing_error, code, func.max(col(Handoff.reason_label)),
               func.count())
        .where(*where)
        .group_by(version, first, status, routing_error, code)
    )  # fmt: skip
    return [
        VersionTally(v, bool(f), s, bool(e), c, label, n)
        for v, f, s, e, c, label, n in session.execute(query).all()
    ]
