"""Slack requests already handled: one row per request identity (an event id, a click's
action_ts, a form submission's trigger_id, a slash command's trigger_id). Claiming a key
is an INSERT that does nothing when the key is there, so a replay or retry learns it came
second without an error, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import SeenRequest

# Slack retries an event within about an hour (3 tries) and refuses signatures older than
# 5 minutes; a day is a wide margin, and the table stays a day of clicks and Home opens.
KEEP = timedelta(days=1)


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


def prune_requests(*, session: Session, now: datetime, limit: int = 1000) -> int:
    """Forget up to `limit` requests older than KEEP, oldest first: a range on
    `ix_seenrequest_at`, so the cost follows the rows deleted, not the table. The
    scheduler's housekeeping calls it in batches, each its own short transaction."""
    table = SeenRequest.__table__  # type: ignore[attr-defined]
    old = select(table.c.key).where(table.c.at < now - KEEP).order_by(table.c.at).limit(limit)
    statement = delete(table).where(table.c.key.in_(old.scalar_subquery()))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
