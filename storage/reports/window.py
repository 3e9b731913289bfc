"""The window every report query takes, and the WHERE clauses it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from storage.models import PENDING, Handoff


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    owners: frozenset[str] | None = None  # None: everyone's hand-offs


def in_window(window: Window, created: Any = None) -> list[ColumnElement[bool]]:
    """Hand-offs created in [since, until), owned by one of `owners` when it is set."""
    created = col(Handoff.created_at) if created is None else created
    where = [created >= window.since, created < window.until]
    if window.owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(window.owners)))
    return where


def breached(now: datetime) -> ColumnElement[bool]:
    """Still pending past the deadline, or closed after it."""
    status, due, decided = col(Handoff.status), col(Handoff.due_at), col(Handoff.decided_at)
    return or_(and_(status == PENDING, due < now), and_(decided.is_not(None), decided > due))
