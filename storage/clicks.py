"""Clicks queued for the delivery process (`QueuedClick`): a one-click button's work after
its ack, done outside the web process (handlers/later.py).

Queuing claims the click's request key (storage/requests.py) in the same transaction, so
a retried or replayed click is never queued twice. Taking is a compare-and-set from
pending (or from a `running` left by a process that died, after `STALE`) to running, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL so several delivery processes never take the same
click. One person's clicks are taken in the order they were queued, one at a time: a
click waits while an earlier one of the same person is pending or running, so their
decisions are made, and their answers sent, in the order they clicked. A delivery
process that `serve` starts again, with its predecessor's holder, takes back that one's
running clicks at once (`take_back_clicks`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.models import (
    CLICK_DONE,
    CLICK_FAILED,
    CLICK_PENDING,
    CLICK_RUNNING,
    QueuedClick,
)
from storage.requests import KEEP, claim_request

# A click is a few database statements and two calls to Slack; one still `running` after a
# minute was taken by a process that died (kill -9, a crash) and is taken again.
STALE = timedelta(minutes=1)
ERROR_LENGTH = 500


def queue_click(
    key: str, action_id: str, user_id: str, body: dict[str, Any], *, session: Session,
    now: datetime,
) -> bool:  # fmt: skip
    """Claim `key` and queue the click; False (nothing queued) if it was claimed before."""
    if not claim_request(key, session=session, now=now):
        return False
    session.add(
        QueuedClick(key=key, action_id=action_id, user_id=user_id, body=body, queued_at=now)
    )
    return True


def _takeable(now: datetime) -> Any:
    return or_(
        col(QueuedClick.status) == CLICK_PENDING,
        and_(col(QueuedClick.status) == CLICK_RUNNING, col(QueuedClick.started_at) < now - STALE),
    )


def take_clicks(
    *, session: Session, now: datetime, limit: int, holder: str | None = None
) -> list[QueuedClick]:
    """Take up to `limit` clicks, oldest first, each the first unfinished one of its
    person: each moves to running, its attempts counted. Only the caller whose
    compare-and-set moved a row gets it."""
    if limit <= 0:
        return []
    earlier = aliased(QueuedClick)
    waits_its_turn = exists().where(
        earlier.user_id == QueuedClick.user_id,
        earlier.id < QueuedClick.id,
        earlier.status.in_((CLICK_PENDING, CLICK_RUNNING)),  # type: ignore[attr-defined]
    )
    candidates = (
        select(QueuedClick.id)
        .where(_takeable(now), ~waits_its_turn)
        .order_by(col(QueuedClick.queued_at), col(QueuedClick.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.execute(candidates).scalars())
    if not ids:
        return []
    taken = session.execute(
        update(QueuedClick)
        .where(col(QueuedClick.id).in_(ids), _takeable(now))
        .values(
            status=CLICK_RUNNING,
            started_at=now,
            attempts=col(QueuedClick.attempts) + 1,
            taken_by=holder,
        )
        .returning(QueuedClick.id)
        .execution_options(synchronize_session=False)
    )
    mine = sorted(taken.scalars())
    if not mine:
        return []
    rows = session.execute(select(QueuedClick).where(col(QueuedClick.id).in_(mine)))
    return sorted(rows.scalars(), key=lambda click: click.id or 0)


def take_back_clicks(holder: str, *, session: Session) -> int:
    """The clicks `holder` left running go back to pending at once (their attempts still
    counted): for a delivery process started again by its parent with its predecessor's
    holder, which has exited, so none of them is running any more."""
    result = session.execute(
        update(QueuedClick)
        .where(col(QueuedClick.status) == CLICK_RUNNING, col(QueuedClick.taken_by) == holder)
        .values(status=CLICK_PENDING, taken_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def finish_click(
    click_id: int, *, session: Session, now: datetime, error: str | None = None
) -> None:
    """Done, or failed with `error` (shortened)."""
    session.execute(
        update(QueuedClick)
        .where(col(QueuedClick.id) == click_id)
        .values(
            status=CLICK_FAILED if error else CLICK_DONE,
            finished_at=now,
            error=error[:ERROR_LENGTH] if error else None,
        )
        .execution_options(synchronize_session=False)
    )


def clicks_waiting(*, session: Session) -> int:
    """Clicks not yet done (pending or running)."""
    query = select(func.count()).where(col(QueuedClick.status).in_((CLICK_PENDING, CLICK_RUNNING)))
    return int(session.execute(query).scalar_one())


def prune_clicks(*, session: Session, now: datetime, limit: int = 1000) -> int:
    """Forget up to `limit` clicks settled (done or failed) and queued over a day ago, as
    their request keys are (`storage.requests.KEEP`)."""
    table = QueuedClick.__table__  # type: ignore[attr-defined]
    old = (
        select(table.c.id)
        .where(table.c.queued_at < now - KEEP, table.c.status.in_((CLICK_DONE, CLICK_FAILED)))
        .order_by(table.c.queued_at)
        .limit(limit)
    )
    statement = delete(table).where(table.c.id.in_(old.scalar_subquery()))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
