"""`post_card`: a hand-off's lead card, to its owner's DM or to the hand-off channel."""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot import ids
from bot.delivery.errors import Permanent
from bot.delivery.jobs.common import card_posted, handoff_of
from bot.delivery.protocol import Delivery, Job
from bot.services.cards import load_card_context
from bot.views.compact_card import build_card
from storage import outbox
from storage.channel_cards import card_chain, set_chain_card
from storage.db import read_only
from storage.handoffs import set_card
from storage.models import Outbox
from storage.outbox import CHANNEL_TARGET

log = logging.getLogger("handshake.delivery")


def post_card(worker: Delivery, row: Outbox) -> None:
    handoff = handoff_of(worker, row)
    if row.target == "owner":
        worker.learn_time_zone(handoff.owner_id)
        channel = handoff.owner_id  # a DM: Slack opens it from the user ID
    else:
        channel = worker.config.handoff_channel
    with read_only(worker.engine) as session:  # never waits for SQLite's write lock
        shown = handoff.id or 0
        if row.target == CHANNEL_TARGET:  # the newest hand-off living on this card
            shown = card_chain(shown, session=session)[-1].id or shown
        ctx = load_card_context(shown, session=session, config=worker.config)
        session.expunge_all()  # kept as read, not expired by the read's rollback
    if ctx is None:
        raise Permanent(f"hand-off {row.handoff_id} has no lead")
    form = worker.config.channel.card
    message = build_card(ctx, audience=row.target, form=form)  # type: ignore[arg-type]
    tag = {
        "event_type": ids.CARD_METADATA_EVENT,
        "payload": {"handoff_id": handoff.id, "card": row.target},
    }
    posted_channel, ts, recovered = worker.post_once(row, channel, message, tag)

    def store(session: Session) -> None:
        set_card(handoff.id or 0, row.target, posted_channel, ts, session=session)
        if row.target == CHANNEL_TARGET:  # and the hand-offs reassigned meanwhile
            set_chain_card(handoff.id or 0, posted_channel, ts, session=session)

    card_posted(
        worker,
        row,
        store=store,
        posted=(posted_channel, ts),
        recovered=recovered,
        lead_id=handoff.lead_id,
        handoff_id=handoff.id,
        card=row.target,
    )
    log.info(
        "card delivered handoff=%s card=%s channel=%s ts=%s recovered=%s",
        handoff.id,
        row.target,
        posted_channel,
        ts,
        recovered,
    )


KINDS: dict[str, Job] = {outbox.POST_CARD: post_card}
