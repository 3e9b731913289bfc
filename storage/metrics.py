"""What `/metrics` reads from the database at scrape time (bot/observability/collector.py).

Each is one grouped query over an index, so a scrape costs a few small reads whatever
the number of instances; what they count is shared by every instance, so the figures are
exact across them and survive restarts. Done outbox rows and fired timers are never
counted here (they grow for ever); events are, by kind, through `ix_event_kind`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import (
    OUT_FAILED,
    OUT_PENDING,
    OUT_SENDING,
    TIMER_PENDING,
    DigestRun,
    Event,
    Outbox,
    Timer,
)
from storage.sync_status import _failing

OPEN_STATUSES = (OUT_PENDING, OUT_SENDING, OUT_FAILED)


@dataclass(frozen=True)
class Depth:
    lane: str
    destination: str | None  # None on the Slack lane
    status: str  # pending | sending | failed
    rows: int


def outbox_depth(*, session: Session) -> list[Depth]:
    """Rows not done, by lane, destination and status."""
    query = (
        select(Outbox.lane, Outbox.destination, Outbox.status, func.count())
        .where(col(Outbox.status).in_(OPEN_STATUSES))
        .group_by(Outbox.lane, Outbox.destination, Outbox.status)
    )
    return [Depth(lane, dest, status, int(n)) for lane, dest, status, n in session.exec(query)]


def oldest_due_timer(now: datetime, *, session: Session) -> datetime | None:
    """When the oldest pending timer that is due now was due, or None."""
    query = select(func.min(Timer.due_at)).where(
        col(Timer.status) == TIMER_PENDING, col(Timer.due_at) <= now
    )
    return session.exec(query).one()


def failing_since(*, session: Session) -> list[tuple[str, str, datetime]]:
    """(lane, destination, since) of each outside destination with rows failed or being
    retried after an error (the rule of the admin's Home, storage/sync_status.py)."""
    query = (
        select(Outbox.lane, Outbox.destination, func.min(Outbox.created_at))
        .where(_failing())
        .group_by(Outbox.lane, Outbox.destination)
    )
    return [(lane, str(dest), since) for lane, dest, since in session.exec(query)]


def event_counts(kinds: tuple[str, ...], *, session: Session) -> dict[str, int]:
    """How many events of each kind were ever logged (0 for a kind never seen)."""
    query = select(Event.kind, func.count()).where(col(Event.kind).in_(kinds)).group_by(Event.kind)
    counts = dict.fromkeys(kinds, 0)
    for kind, n in session.exec(query):
        counts[kind] = int(n)
    return counts


def digest_runs(*, session: Session) -> dict[str, int]:
    """Weekly digest slots claimed: posted, skipped (recorded with a note, not posted) and
    waiting (claimed, its post not delivered yet)."""
    posted = col(DigestRun.posted_at).is_not(None)
    skipped = col(DigestRun.posted_at).is_(None) & col(DigestRun.note).is_not(None)
    counts = {}
    for name, where in (("posted", posted), ("skipped", skipped)):
        counts[name] = int(session.exec(select(func.count()).where(where)).one())
    total = int(session.exec(select(func.count()).select_from(DigestRun)).one())
    counts["waiting"] = total - counts["posted"] - counts["skipped"]
    return counts
