"""The write-back to other systems as people see it (issue 10 §3): the latest CRM row per
destination for a hand-off's cards, what a card shows of a row (`shown`), and the failing
outside destinations (webhooks, CRMs) listed on the admin's Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from storage.models import (
    LANE_CRM,
    LANE_WEBHOOK,
    OUT_DONE,
    OUT_FAILED,
    OUT_PENDING,
    OUT_SENDING,
    Outbox,
)

# What a card shows of a CRM row (None: nothing, e.g. a row done without writing).
PENDING, UPDATED, FAILING, FAILED = "pending", "updated", "failing", "failed"
OUTSIDE_LANES = (LANE_WEBHOOK, LANE_CRM)


@dataclass(frozen=True)
class CrmSync:
    """The latest write-back of one hand-off to one CRM."""

    destination: str  # "hubspot" | "salesforce"
    status: str
    attempts: int
    last_error: str | None

    @property
    def shown(self) -> str | None:
        return shown(self.status, self.last_error)


def shown(status: str, last_error: str | None) -> str | None:
    """The card's state for a row: pending, updated, failing (retried after an error),
    failed; None for a row done without a write (its `last_error` is the note why)."""
    if status == OUT_DONE:
        return None if last_error else UPDATED
    if status == OUT_FAILED:
        return FAILED
    return FAILING if last_error else PENDING


def crm_sync_of(handoff_id: int, *, session: Session) -> list[CrmSync]:
    """The hand-off's latest crm-lane row per destination, in the order first queued."""
    query = (
        select(Outbox)
        .where(col(Outbox.handoff_id) == handoff_id, col(Outbox.lane) == LANE_CRM)
        .order_by(col(Outbox.id))
    )
    latest: dict[str, CrmSync] = {}
    for row in session.exec(query).all():
        name = row.destination or row.kind
        latest[name] = CrmSync(name, row.status, row.attempts, row.last_error)
    return list(latest.values())


@dataclass(frozen=True)
class FailingDestination:
    lane: str  # webhook | crm
    destination: str  # the webhook URL, or "hubspot" / "salesforce"
    failed: int  # rows failed (waiting for a Retry)
    retrying: int  # rows being retried after an error
    since: datetime  # when the oldest of those rows was queued
    latest_error: str | None


def _failing():  # type: ignore[no-untyped-def]
    retrying = and_(
        col(Outbox.status).in_([OUT_PENDING, OUT_SENDING]),
        col(Outbox.last_error).is_not(None),
        col(Outbox.attempts) > 0,
    )
    return and_(
        col(Outbox.lane).in_(OUTSIDE_LANES),
        col(Outbox.destination).is_not(None),
        or_(col(Outbox.status) == OUT_FAILED, retrying),
    )


def failing_destinations(*, session: Session, limit: int = 20) -> list[FailingDestination]:
    """Outside destinations with rows failed or being retried after an error, the most
    recently failing first: count, oldest, and the latest error of each."""
    failed = func.sum(case((col(Outbox.status) == OUT_FAILED, 1), else_=0))
    query = (
        select(
            Outbox.lane,
            Outbox.destination,
            failed,
            func.count(),
            func.min(Outbox.created_at),
            func.max(Outbox.updated_at),
        )
        .where(_failing())
        .group_by(Outbox.lane, Outbox.destination)
        .order_by(func.max(Outbox.updated_at).desc())
        .limit(limit)
    )
    found = []
    for lane, destination, n_failed, total, since, _ in session.exec(query).all():
        latest = select(Outbox.last_error).where(
            _failing(), col(Outbox.lane) == lane, col(Outbox.destination) == destination
        )
        error = session.exec(
            latest.order_by(col(Outbox.updated_at).desc(), col(Outbox.id).desc()).limit(1)
        ).first()
        found.append(
            FailingDestination(
                lane, str(destination), int(n_failed or 0), int(total) - int(n_failed or 0),
                since, error,
            )
        )  # fmt: skip
    return found
