"""What several jobs share: the hand-off a row is for, where its card is, a link to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.protocol import Delivery
from storage import outbox
from storage.channel_cards import card_chain
from storage.db import read_only, unit_of_work
from storage.events import log_event
from storage.handoffs import get_handoff
from storage.meetings import get_meeting
from storage.models import Handoff, Outbox

log = logging.getLogger("handshake.delivery")


def handoff_of(worker: Delivery, row: Outbox) -> Handoff:
    with read_only(worker.engine) as session:  # never waits for SQLite's write lock
        handoff = get_handoff(row.handoff_id or 0, session=session)
        session.expunge_all()  # kept as read, not expired by the read's rollback
    if handoff is None:
        raise Permanent(f"hand-off {row.handoff_id} does not exist")
    return handoff


def _where(handoff: Handoff, target: str) -> tuple[str, str] | None:
    channel, ts = (
        (handoff.owner_channel, handoff.owner_ts)
        if target == "owner"
        else (handoff.channel_id, handoff.channel_ts)
    )
    return (channel, ts) if channel and ts else None


def card_location(worker: Delivery, row: Outbox, target: str) -> tuple[str, str] | None:
    """Where the hand-off's card is; waits (RetryLater) while it is still being posted."""
    handoff = handoff_of(worker, row)
    where = _where(handoff, target)
    if where is not None:
        return where
    with unit_of_work(worker.engine) as session:
        poster = handoff.id or 0
        if target == outbox.CHANNEL_TARGET:  # a reassigned hand-off: its chain's card
            poster = card_chain(poster, session=session)[0].id or poster
        if outbox.unfinished_post(poster, target, session=session):
            raise RetryLater(1, "card not posted yet", maybe_sent=False, counts=False, waiting=True)
        # The post may have finished since the first read (it stores where the card is
        # in the transaction that marks it done): read again, after the check.
        session.expire_all()
        again = get_handoff(handoff.id or 0, session=session)
        return _where(again, target) if again is not None else None


def permalink(worker: Delivery, row: Outbox, meeting_id: int | None = None) -> str | None:
    """A link to the owner's card, for nudges (or, `meeting_id`, to the AE's meeting
    card); a message without it is still useful. A DM about no hand-off has none."""
    if meeting_id is None and row.handoff_id is None:
        return None
    if meeting_id is not None:
        with read_only(worker.engine) as session:
            meeting = get_meeting(meeting_id, session=session)
            where = (meeting.ae_channel, meeting.ae_ts) if meeting else (None, None)
    else:
        handoff = handoff_of(worker, row)
        where = (handoff.owner_channel, handoff.owner_ts)
    if not (where[0] and where[1]):
        return None
    try:
        answer = worker.call(
            "chat_getPermalink", maybe_sent_on_error=False, channel=where[0], message_ts=where[1]
        )
    except (RetryLater, Permanent) as exc:
        log.warning("no permalink for handoff=%s meeting=%s: %s", row.handoff_id, meeting_id, exc)
        return None
    return answer.get("permalink")


def update_in_place(
    worker: Delivery, row: Outbox, where: tuple[str, str], message: dict[str, Any]
) -> None:
    """`chat.update` a message we posted earlier (an update is idempotent: no look-up)."""
    worker.call(
        "chat_update",
        maybe_sent_on_error=False,
        channel=where[0],
        ts=where[1],
        text=message["text"],
        blocks=message["blocks"],
    )
    worker.done(row)


def card_posted(
    worker: Delivery,
    row: Outbox,
    *,
    store: Callable[[Session], None],
    posted: tuple[str, str],
    recovered: bool,
    lead_id: int | None,
    handoff_id: int | None,
    card: str,
    **extra: Any,
) -> None:
    """A card is in Slack: in one transaction, `store` where it is, mark the row done and
    record the `delivered` event (with the card, the channel and ts, whether it was found
    rather than posted, the attempts, and `extra`)."""
    channel, ts = posted
    now = worker.clock()
    with unit_of_work(worker.engine) as session:
        store(session)
        outbox.mark_done(row, now, session=session)
        log_event(
            "delivered",
            session=session,
            at=now,
            actor="system",
            lead_id=lead_id,
            handoff_id=handoff_id,
            card=card,
            **extra,
            channel=channel,
            ts=ts,
            recovered=recovered,
            attempts=row.attempts,
        )
