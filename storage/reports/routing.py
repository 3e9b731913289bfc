"""The routing report's raw material: the `routed` events of a window, as (id, data). Their
JSON payloads (owner, rule, team, and for a lead that went round `shares` and `skipped`)
are read in Python by `bot/reports/routing.py`: JSON operators differ between SQLite and
PostgreSQL, and a window holds one event per routed lead (thousands at most), so the
database only narrows by kind and time (the indexes on event.kind and event.at)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage.models import Event

ROUTED = "routed"


@dataclass(frozen=True)
class RoutedEvent:
    id: int
    data: dict[str, Any]


def routed_events(since: datetime, until: datetime, *, session: Session) -> list[RoutedEvent]:
    """Every `routed` event with `since <= at < until`, oldest first."""
    at = col(Event.at)
    query = (
        select(col(Event.id), col(Event.data))
        .where(col(Event.kind) == ROUTED, at >= since, at < until)
        .order_by(col(Event.id))
    )
    return [RoutedEvent(int(i), dict(d or {})) for i, d in session.execute(query).all()]
