"""Pacing shared by every instance (table `channelpacing`): token buckets, a delivery
key's back-off, and which instance delivers a key's rows.

Each function runs in the caller's transaction. On PostgreSQL the row is locked
(`FOR UPDATE`) for the rest of it; on SQLite every write transaction already holds the
database's write lock (BEGIN IMMEDIATE), so two instances never both take the last token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import ChannelPacing


def _locked(key: str, *, session: Session) -> ChannelPacing:
    """The key's row, created if missing, locked for this transaction on PostgreSQL."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ChannelPacing)
        .values(key=key, tokens=-1.0, refilled_at=0.0, held_until=0.0)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(ChannelPacing).where(col(ChannelPacing.key) == key).with_for_update()
    row = session.exec(query.execution_options(populate_existing=True)).one()
    return row


def take_token(key: str, *, session: Session, now: float, per_second: float, burst: float) -> float:
    """Take one token from the key's bucket (`burst` tokens, refilled at `per_second`).
    Returns 0 when taken, else the seconds until one will be there (nothing taken)."""
    row = _locked(key, session=session)
    if row.tokens < 0:  # new: a full bucket
        tokens = burst
    else:
        tokens = min(burst, row.tokens + max(0.0, now - row.refilled_at) * per_second)
    if tokens >= 1:
        row.tokens, row.refilled_at = tokens - 1, now
        session.add(row)
        return 0.0
    row.tokens, row.refilled_at = tokens, now
    session.add(row)
    return (1 - tokens) / per_second


def block(key: str, until: datetime, *, session: Session) -> None:
    """Nothing of the key goes before `until` (a later block wins over an earlier one)."""
    row = _locked(key, session=session)
    if row.blocked_until is None or row.blocked_until < until:
        row.blocked_until = until
        session.add(row)


def hold(key: str, holder: str, *, session: Session, now: float, until: float) -> bool:
    """`holder` delivers the key's rows until `until` (Unix seconds), unless another
    holder's hold has not run out. Renewing one's own hold always works."""
    row = _locked(key, session=session)
    if row.holder not in (None, holder) and row.held_until > now:
        return False
    row.holder, row.held_until = holder, until
    session.add(row)
    return True


def release(key: str, holder: str, *, session: Session) -> None:
    row = session.get(ChannelPacing, key, with_for_update=True)
    if row is not None and row.holder == holder:
        row.holder, row.held_until = None, 0.0
        session.add(row)


def unavailable(
    prefix: str, holder: str, *, session: Session, now: float, clock_now: datetime
) -> set[str]:
    """The keys starting with `prefix` that are blocked (on the outbox's clock) or held by
    another instance, without the prefix."""
    query = select(ChannelPacing).where(
        col(ChannelPacing.key).startswith(prefix, autoescape=True),
        (col(ChannelPacing.blocked_until) > clock_now)
        | (col(ChannelPacing.holder).is_not(None) & (col(ChannelPacing.held_until) > now)),
    )
    return {
        row.key.removeprefix(prefix)
        for row in session.exec(query).all()
        if (row.blocked_until is not None and row.blocked_until > clock_now)
        or (row.holder not in (None, holder) and row.held_until > now)
    }
