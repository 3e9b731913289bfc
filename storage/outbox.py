"""The outbox: outgoing calls waiting to be made, by lane (Slack, webhooks, CRMs). Rows end
done or failed, never deleted. On the outside lanes a row is due only when no earlier row
for the same destination and lead is still on its way, so one lead's events arrive in order."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import sync_status
from storage.models import (
    LANE_CRM,
    LANE_SLACK,
    OUT_DONE,
    OUT_FAILED,
    OUT_PENDING,
    OUT_SENDING,
    Handoff,
    Outbox,
    OutboxResult,
)

POST_CARD = "post_card"
UPDATE_CARD = "update_card"
DM = "dm"  # a message to one person (nudge, escalation, …), rendered at delivery
THREAD = "thread"  # a reply under the hand-off's card in the hand-off channel
UPDATE_DM = "update_dm"  # a nudge or an escalation loses its buttons: the lead moved on
# DM templates that carry buttons: updated in place when the hand-off changes.
BUTTON_DMS = ("nudge", "escalation", "follow_up_nudge", "follow_up_escalation")


def outbox_values(
    kind: str,
    target: str,
    *,
    now: datetime,
    handoff_id: int | None = None,
    payload: dict[str, Any] | None = None,
    lane: str = LANE_SLACK,
    destination: str | None = None,
    lead_id: int | None = None,
) -> dict[str, Any]:
    """A new row's columns: for one row (`enqueue`) or a bulk insert of many."""
    return {
        "kind": kind,
        "target": target,
        "handoff_id": handoff_id,
        "payload": payload,
        "lane": lane,
        "destination": destination,
        "lead_id": lead_id,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


def enqueue(
    kind: str,
    target: str,
    *,
    session: Session,
    now: datetime,
    handoff_id: int | None = None,
    payload: dict[str, Any] | None = None,
    lane: str = LANE_SLACK,
    destination: str | None = None,
    lead_id: int | None = None,
) -> Outbox:
    row = Outbox(
        **outbox_values(
            kind,
            target,
            now=now,
            handoff_id=handoff_id,
            payload=payload,
            lane=lane,
            destination=destination,
            lead_id=lead_id,
        )
    )
    session.add(row)
    return row


CARDS = ("owner", "channel")  # the owner's DM card and the hand-off channel's card


def post_cards(
    handoff_id: int, *, session: Session, now: datetime, targets: tuple[str, ...] = CARDS
) -> None:
    """Queue both cards of a new hand-off (`targets`: only the owner's, when the hand-off
    lives on its predecessor's channel card: storage/channel_cards.py)."""
    for target in targets:
        enqueue(POST_CARD, target, session=session, now=now, handoff_id=handoff_id)


def update_cards(handoff_id: int, *, session: Session, now: datetime) -> None:
    """Queue the in-place update of both cards after a change, and of every nudge and
    escalation sent about the hand-off (their buttons go, the outcome shows)."""
    refresh_cards(handoff_id, session=session, now=now)
    for dm_id in button_dms(handoff_id, session=session):
        enqueue(
            UPDATE_DM, "dm", session=session, now=now, handoff_id=handoff_id, payload={"dm": dm_id}
        )


def refresh_cards(handoff_id: int, *, session: Session, now: datetime) -> None:
    """Queue the in-place update of both cards only (nudges keep their buttons). A card
    whose update is queued and not started yet gets no second one: that update draws the
    card as it is when it goes, this change included."""
    for target in CARDS:
        if not _update_waiting(handoff_id, target, session=session, now=now):
            enqueue(UPDATE_CARD, target, session=session, now=now, handoff_id=handoff_id)


def _update_waiting(handoff_id: int, target: str, *, session: Session, now: datetime) -> bool:
    """An update of this card is pending and due. On PostgreSQL the row is locked until this
    transaction ends, so a worker cannot start it (and draw the card) before this change is
    committed; on SQLite the write lock already orders the two."""
    query = (
        select(Outbox.id)
        .where(
            col(Outbox.kind) == UPDATE_CARD,
            col(Outbox.handoff_id) == handoff_id,
            col(Outbox.target) == target,
            col(Outbox.status) == OUT_PENDING,
            col(Outbox.next_attempt_at) <= now,
        )
        .limit(1)
        .with_for_update()
    )
    return session.exec(query).first() is not None


def _cards_follow(row: Outbox, before: str | None, *, session: Session, now: datetime) -> None:
    """A CRM row's change that its cards show (updated; failing, the first retry after an
    error; failed; back from failing) redraws both cards, in the same transaction. A row
    that keeps failing the same way redraws nothing."""
    if row.lane != LANE_CRM or row.handoff_id is None:
        return
    if sync_status.shown(row.status, row.last_error) != before:
        refresh_cards(row.handoff_id, session=session, now=now)


def button_dms(handoff_id: int, *, session: Session) -> list[int]:
    """The DM rows about this hand-off that carry buttons, posted or still on their way."""
    query = select(Outbox).where(
        Outbox.handoff_id == handoff_id,
        Outbox.kind == DM,
        col(Outbox.status) != OUT_FAILED,
    )
    return [
        row.id
        for row in session.exec(query.order_by(col(Outbox.id))).all()
        if row.id is not None and (row.payload or {}).get("template") in BUTTON_DMS
    ]


def dm_rows(handoff_id: int, *, session: Session) -> list[Outbox]:
    """Every DM row about this hand-off, not failed, oldest first."""
    query = select(Outbox).where(
        Outbox.handoff_id == handoff_id, Outbox.kind == DM, col(Outbox.status) != OUT_FAILED
    )
    return list(session.exec(query.order_by(col(Outbox.id))).all())


def meeting_dms(handoff_id: int, meeting_id: int, *, session: Session) -> list[int]:
    """The DM rows about one meeting (its nudges and escalations; `payload.meeting_id`),
    posted or still on their way; found among its hand-off's rows."""
    query = select(Outbox).where(
        Outbox.handoff_id == handoff_id,
        Outbox.kind == DM,
        col(Outbox.status) != OUT_FAILED,
    )
    return [
        row.id
        for row in session.exec(query.order_by(col(Outbox.id))).all()
        if row.id is not None and (row.payload or {}).get("meeting_id") == meeting_id
    ]


def save_result(
    row_id: int,
    *,
    session: Session,
    now: datetime,
    channel: str | None = None,
    ts: str | None = None,
    file_id: str | None = None,
) -> None:
    """Record what a row achieved in Slack (fields left None keep their value)."""
    result = session.get(OutboxResult, row_id) or OutboxResult(outbox_id=row_id, updated_at=now)
    for key, value in (("channel", channel), ("ts", ts), ("file_id", file_id)):
        if value is not None:
            setattr(result, key, value)
    result.updated_at = now
    session.add(result)


def result_of(row_id: int, *, session: Session) -> OutboxResult | None:
    return session.get(OutboxResult, row_id)


def due_ids(now: datetime, limit: int, *, session: Session, lane: str = LANE_SLACK) -> list[int]:
    """The lane's rows due now, oldest first. Outside the Slack lane, a row waits while an
    earlier row (lower id) for the same destination and lead is pending or sending."""
    query = _due_query(now, lane).order_by(col(Outbox.id)).limit(limit)
    return [i for i in session.exec(query).all() if i is not None]


CHANNEL_TARGET = "channel"  # rows for the hand-off channel; every other Slack row: its owner


def due_routes(
    now: datetime,
    limit: int,
    *,
    session: Session,
    lane: str = LANE_SLACK,
    skip_channel: bool = False,
    skip: Collection[str] = (),
) -> list[tuple[int, str]]:
    """Like `due_ids`, with where each row goes: (id, route), oldest first. The route is
    "channel" for the hand-off channel's rows, else the hand-off's owner ("-": none) on
    the Slack lane, and the destination on outside lanes. Rows of the routes in `skip`
    (and, with `skip_channel`, the channel's) are left out: busy or blocked."""
    if lane != LANE_SLACK:
        route: Any = func.coalesce(Outbox.destination, "-")
        query = select(Outbox.id, route).where(col(Outbox.id).in_(_due_query(now, lane)))
        if skip:
            query = query.where(route.not_in(list(skip)))
    else:
        owner: Any = func.coalesce(Handoff.owner_id, "-")
        route = case((col(Outbox.target) == CHANNEL_TARGET, CHANNEL_TARGET), else_=owner)
        query = (
            select(Outbox.id, route)
            .outerjoin(Handoff, col(Handoff.id) == col(Outbox.handoff_id))
            .where(
                Outbox.lane == lane,
                Outbox.status == OUT_PENDING,
                col(Outbox.next_attempt_at) <= now,
            )
        )
        if skip_channel:
            query = query.where(col(Outbox.target) != CHANNEL_TARGET)
        if skip:
            query = query.where((col(Outbox.target) == CHANNEL_TARGET) | owner.not_in(list(skip)))
    rows = session.execute(query.order_by(col(Outbox.id)).limit(limit)).all()
    return [(int(i), str(r)) for i, r in rows]


def _due_query(now: datetime, lane: str) -> Any:
    """The ids of the lane's rows due now, unordered and unlimited (`due_ids`, and a
    subquery of `due_routes`)."""
    query = select(Outbox.id).where(
        Outbox.lane == lane, Outbox.status == OUT_PENDING, col(Outbox.next_attempt_at) <= now
    )
    if lane == LANE_SLACK:
        return query
    earlier = aliased(Outbox)
    return query.where(
        ~exists().where(
            and_(
                earlier.lead_id == Outbox.lead_id,
                earlier.destination == Outbox.destination,
                earlier.id < Outbox.id,
                earlier.status.in_([OUT_PENDING, OUT_SENDING]),  # type: ignore[attr-defined]
            )
        )
    )


def claim(row_id: int, now: datetime, *, session: Session, holder: str | None = None) -> bool:
    """Pending → sending (by `holder`), if nobody else took it first. On PostgreSQL the row is taken
    with `FOR UPDATE SKIP LOCKED`: a row another instance is claiming is passed over at
    once instead of waited for (the compare-and-set still decides)."""
    if session.get_bind().dialect.name == "postgresql":
        free = (
            select(Outbox.id)
            .where(col(Outbox.id) == row_id, col(Outbox.status) == OUT_PENDING)
            .with_for_update(skip_locked=True)
        )
        if session.exec(free).first() is None:
            return False
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id) == row_id, col(Outbox.status) == OUT_PENDING)
        .values(status=OUT_SENDING, attempts=Outbox.attempts + 1, updated_at=now, claimed_by=holder)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def reclaim_stale(
    older_than: datetime, now: datetime, *, session: Session, lane: str = LANE_SLACK
) -> int:
    """The lane's rows left `sending` by a crashed worker go back to pending, flagged
    maybe-sent."""
    return _back_to_pending(
        col(Outbox.updated_at) < older_than, now, "worker stopped mid-call", session, lane
    )


def take_back(holder: str, now: datetime, *, session: Session, lane: str = LANE_SLACK) -> int:
    """The lane's rows `holder` left `sending` go back to pending, flagged maybe-sent, at
    once: for a delivery process started again by its parent with its predecessor's holder,
    which has exited, so nothing of that holder is in flight any more."""
    return _back_to_pending(
        col(Outbox.claimed_by) == holder, now, "delivery process restarted mid-call", session, lane
    )


def _back_to_pending(which: Any, now: datetime, error: str, session: Session, lane: str) -> int:
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.lane) == lane, col(Outbox.status) == OUT_SENDING, which)
        .values(
            status=OUT_PENDING,
            maybe_sent=True,
            next_attempt_at=now,
            updated_at=now,
            last_error=error,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def due_now(row_ids: Collection[int], now: datetime, *, session: Session) -> int:
    """These rows, if still pending, are due at `now` (rows that waited for another row
    which has since been delivered)."""
    if not row_ids:
        return 0
    result = session.execute(
        update(Outbox)
        .where(col(Outbox.id).in_(list(row_ids)), col(Outbox.status) == OUT_PENDING)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def get_row(row_id: int, *, session: Session) -> Outbox | None:
    return session.get(Outbox, row_id)


def mark_done(row: Outbox, now: datetime, *, session: Session, note: str | None = None) -> None:
    before = sync_status.shown(row.status, row.last_error)
    row.status, row.updated_at, row.last_error = OUT_DONE, now, note
    session.add(row)
    _cards_follow(row, before, session=session, now=now)


def reschedule(
    row: Outbox,
    now: datetime,
    delay: timedelta,
    error: str,
    *,
    session: Session,
    maybe_sent: bool,
) -> None:
    before = sync_status.shown(row.status, row.last_error)
    row.status, row.claimed_by = OUT_PENDING, None
    row.next_attempt_at = now + delay
    row.last_error = error
    row.maybe_sent = row.maybe_sent or maybe_sent
    row.updated_at = now
    session.add(row)
    _cards_follow(row, before, session=session, now=now)


def mark_failed(row: Outbox, now: datetime, error: str, *, session: Session) -> None:
    before = sync_status.shown(row.status, row.last_error)
    row.status, row.last_error, row.updated_at = OUT_FAILED, error, now
    session.add(row)
    _cards_follow(row, before, session=session, now=now)


def unfinished_post(handoff_id: int, target: str, *, session: Session) -> Outbox | None:
    query = select(Outbox).where(
        Outbox.handoff_id == handoff_id,
        Outbox.target == target,
        Outbox.kind == POST_CARD,
        col(Outbox.status).in_([OUT_PENDING, OUT_SENDING]),
    )
    return session.exec(query).first()


def list_rows(*, session: Session, status: str | None = None, limit: int = 200) -> list[Outbox]:
    query = select(Outbox).order_by(col(Outbox.id).desc()).limit(limit)
    if status:
        query = query.where(Outbox.status == status)
    return list(session.exec(query).all())


def retry_failed(
    *,
    session: Session,
    now: datetime,
    row_id: int | None = None,
    destination: str | None = None,
) -> int:
    """Failed rows (one, one destination's, or all) go back to pending; attempts restart.
    The cards of a CRM row put back are redrawn ("failed" becomes "pending")."""
    where = [col(Outbox.status) == OUT_FAILED]
    if row_id is not None:
        where.append(col(Outbox.id) == row_id)
    if destination is not None:
        where.append(col(Outbox.destination) == destination)
    redraw = session.exec(
        select(Outbox.handoff_id)
        .where(*where, col(Outbox.lane) == LANE_CRM, col(Outbox.handoff_id).is_not(None))
        .distinct()
    ).all()
    result = session.execute(
        update(Outbox)
        .where(*where)
        .values(status=OUT_PENDING, attempts=0, next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    for handoff_id in redraw:
        refresh_cards(handoff_id, session=session, now=now)
    return result.rowcount


def count_by_status(*, session: Session) -> dict[str, int]:
    query = select(Outbox.status, func.count()).group_by(Outbox.status)
    return {status: n for status, n in session.exec(query).all()}


def next_attempt_at(*, session: Session, lane: str = LANE_SLACK) -> datetime | None:
    """When the lane's earliest pending row falls due."""
    query = select(func.min(Outbox.next_attempt_at)).where(
        Outbox.status == OUT_PENDING, Outbox.lane == lane
    )
    return session.exec(query).first()
