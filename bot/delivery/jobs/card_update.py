"""`update_card`: a posted lead card redrawn in place after the hand-off changed."""

from __future__ import annotations

from bot.delivery.jobs.common import card_location, update_in_place
from bot.delivery.protocol import Delivery, Job
from bot.services.cards import load_card_context
from bot.views.compact_card import build_card
from storage import outbox
from storage.channel_cards import card_chain
from storage.db import unit_of_work
from storage.models import Outbox
from storage.outbox import CHANNEL_TARGET


def update_card(worker: Delivery, row: Outbox) -> None:
    where = card_location(worker, row, row.target)
    if where is None:
        worker.done(row, note="no card to update")
        return
    with unit_of_work(worker.engine) as session:
        shown = row.handoff_id or 0
        if row.target == CHANNEL_TARGET:  # the newest hand-off living on this card
            shown = card_chain(shown, session=session)[-1].id or shown
        ctx = load_card_context(shown, session=session, config=worker.config)
    assert ctx is not None
    form = worker.config.channel.card
    message = build_card(ctx, audience=row.target, form=form)  # type: ignore[arg-type]
    update_in_place(worker, row, where, message)


KINDS: dict[str, Job] = {outbox.UPDATE_CARD: update_card}
