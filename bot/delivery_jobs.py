"""What the delivery worker does for each kind of outbox row."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import ids
from bot.delivery_errors import Permanent, RetryLater
from bot.digest.post import deliver_digest
from bot.digest.schedule import DIGEST
from bot.services.cards import load_card_context
from bot.services.sla_messages import render_dm, render_settled_dm, render_thread_note
from bot.views.lead_card import build_lead_card
from storage import outbox
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import get_handoff, set_card
from storage.models import OUT_PENDING, OUT_SENDING, Handoff, Outbox

if TYPE_CHECKING:
    from bot.delivery import DeliveryWorker

log = logging.getLogger("handshake.delivery")


def _handoff(worker: DeliveryWorker, row: Outbox) -> Handoff:
    with unit_of_work(worker.engine) as session:
        handoff = get_handoff(row.handoff_id or 0, session=session)
    if handoff is None:
        raise Permanent(f"hand-off {row.handoff_id} does not exist")
    return handoff


def post_card(worker: DeliveryWorker, row: Outbox) -> None:
    handoff = _handoff(worker, row)
    if row.target == "owner":
        worker.cache_tz(handoff.owner_id)
        channel = handoff.owner_id  # a DM: Slack opens it from the user ID
    else:
        channel = worker.config.handoff_channel
    with unit_of_work(worker.engine) as session:
        ctx = load_card_context(handoff.id or 0, session=session, config=worker.config)
    if ctx is None:
        raise Permanent(f"hand-off {row.handoff_id} has no lead")
    message = build_lead_card(ctx, audience=row.target)  # type: ignore[arg-type]
    tag = {
        "event_type": ids.CARD_METADATA_EVENT,
        "payload": {"handoff_id": handoff.id, "card": row.target},
    }
    posted_channel, ts, recovered = worker.post_once(row, channel, message, tag)
    now = worker.clock()
    with unit_of_work(worker.engine) as session:
        set_card(handoff.id or 0, row.target, posted_channel, ts, session=session)
        outbox.mark_done(row, now, session=session)
        log_event(
            "delivered",
            session=session,
            at=now,
            actor="system",
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            card=row.target,
            channel=posted_channel,
            ts=ts,
            recovered=recovered,
            attempts=row.attempts,
        )
    log.info(
        "card delivered handoff=%s card=%s channel=%s ts=%s recovered=%s",
        handoff.id,
        row.target,
        posted_channel,
        ts,
        recovered,
    )


def _card_location(worker: DeliveryWorker, row: Outbox, target: str) -> tuple[str, str] | None:
    """Where the hand-off's card is; waits (RetryLater) while it is still being posted."""
    handoff = _handoff(worker, row)
    channel, ts = (
        (handoff.owner_channel, handoff.owner_ts)
        if target == "owner"
        else (handoff.channel_id, handoff.channel_ts)
    )
    if channel and ts:
        return channel, ts
    with unit_of_work(worker.engine) as session:
        if outbox.unfinished_post(handoff.id or 0, target, session=session):
            raise RetryLater(1, "card not posted yet", maybe_sent=False, counts=False)
    return None


def update_card(worker: DeliveryWorker, row: Outbox) -> None:
    where = _card_location(worker, row, row.target)
    if where is None:
        worker.done(row, note="no card to update")
        return
    with unit_of_work(worker.engine) as session:
        ctx = load_card_context(row.handoff_id or 0, session=session, config=worker.config)
    assert ctx is not None
    message = build_lead_card(ctx, audience=row.target)  # type: ignore[arg-type]
    worker.call(
        "chat_update",
        maybe_sent_on_error=False,
        channel=where[0],
        ts=where[1],
        text=message["text"],
        blocks=message["blocks"],
    )
    worker.done(row)


def post_dm(worker: DeliveryWorker, row: Outbox) -> None:
    payload = row.payload or {}
    recipient = str(payload.get("recipient") or "")
    if not recipient:
        raise Permanent("a DM without a recipient")
    worker.cache_tz(recipient)
    permalink = _permalink(worker, row)
    with unit_of_work(worker.engine) as session:
        message = render_dm(
            payload, row.handoff_id or 0, session=session, config=worker.config, permalink=permalink
        )
    tag = {"event_type": ids.DM_METADATA_EVENT, "payload": {"outbox_id": row.id}}
    channel, ts, recovered = worker.post_once(row, recipient, message, tag)
    worker.done(
        row,
        posted=(channel, ts),
        lead_id=None,
        event={
            "dm": payload.get("template"),
            "recipient": recipient,
            "channel": channel,
            "ts": ts,
            "recovered": recovered,
        },
    )


def update_dm(worker: DeliveryWorker, row: Outbox) -> None:
    """A nudge or an escalation, updated in place once the lead has moved on; waits while
    the DM itself is still on its way."""
    dm_id = int((row.payload or {}).get("dm") or 0)
    with unit_of_work(worker.engine) as session:
        dm = outbox.get_row(dm_id, session=session)
        posted = outbox.result_of(dm_id, session=session)
        if dm is None:
            raise Permanent(f"outbox row {dm_id} does not exist")
        if posted is None or not (posted.channel and posted.ts):
            if dm.status in (OUT_PENDING, OUT_SENDING):
                raise RetryLater(1, "DM not posted yet", maybe_sent=False, counts=False)
            where = None
        else:
            where = (posted.channel, posted.ts)
        payload = dict(dm.payload or {})
    if where is None:
        worker.done(row, note="no DM to update")
        return
    permalink = _permalink(worker, row)
    with unit_of_work(worker.engine) as session:
        message = render_settled_dm(
            payload, row.handoff_id or 0, session=session, config=worker.config, permalink=permalink
        )
    worker.call(
        "chat_update",
        maybe_sent_on_error=False,
        channel=where[0],
        ts=where[1],
        text=message["text"],
        blocks=message["blocks"],
    )
    worker.done(row)


def post_thread_note(worker: DeliveryWorker, row: Outbox) -> None:
    where = _card_location(worker, row, "channel")
    if where is None:
        worker.done(row, note="no channel card to reply under")
        return
    with unit_of_work(worker.engine) as session:
        message = render_thread_note(row.payload or {}, session=session, config=worker.config)
    tag = {"event_type": ids.DM_METADATA_EVENT, "payload": {"outbox_id": row.id}}
    worker.post_once(row, where[0], message, tag, thread_ts=where[1])
    worker.done(row)


def _permalink(worker: DeliveryWorker, row: Outbox) -> str | None:
    """A link to the owner's card, for nudges; a message without it is still useful."""
    handoff = _handoff(worker, row)
    if not (handoff.owner_channel and handoff.owner_ts):
        return None
    try:
        answer = worker.call(
            "chat_getPermalink",
            maybe_sent_on_error=False,
            channel=handoff.owner_channel,
            message_ts=handoff.owner_ts,
        )
    except (RetryLater, Permanent) as exc:
        log.warning("no permalink for handoff=%s: %s", handoff.id, exc)
        return None
    return answer.get("permalink")


def post_digest(worker: DeliveryWorker, row: Outbox) -> None:
    """The weekly digest (scheduled, or asked for with `handshake digest --now`)."""
    deliver_digest(worker, row)


JOBS: dict[str, Callable[[DeliveryWorker, Outbox], None]] = {
    outbox.POST_CARD: post_card,
    outbox.UPDATE_CARD: update_card,
    outbox.DM: post_dm,
    outbox.UPDATE_DM: update_dm,
    outbox.THREAD: post_thread_note,
    DIGEST: post_digest,
}
