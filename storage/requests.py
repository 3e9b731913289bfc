"""Slack requests already handled: one row per request identity (an event id, a click's
action_ts, a form submission's trigger_id, a slash command's trigger_id). Claiming a key
is an INSERT that does nothing when the key is there, so a replay or retry learns it came
second without an error, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import SeenRequest

KEEP = timedelta(days=1)  # Slack retries within minutes and refuses signatures over 5 minutes


def claim_request(key: str, *, session: Session, now: datetime) -> bool:
    """True the first time `key` is claimed; False for every later claim (also one that
    waits on a concurrent claim of the same key until it commits)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = SeenRequest.__table__  # type: ignore[attr-defined]
    statement = (
        dialect.insert(table)
        .values(key=key, at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )
    return session.execute(statement).first() is not None


def prune_requests(*, session: Session, now: datetime) -> int:
    """Forget requests older than KEEP (an indexed range delete: cheap on every claim)."""
    statement = delete(SeenRequest).where(SeenRequest.at < now - KEEP)  # type: ignore[arg-type]
    return session.execute(statement).rowcount  # type: ignore[attr-defined]
