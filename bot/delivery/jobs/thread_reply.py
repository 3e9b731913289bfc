"""`thread`: a note in the thread under the hand-off's channel card."""

from __future__ import annotations

from bot import ids
from bot.delivery.jobs.common import card_location
from bot.delivery.protocol import Delivery, Job
from bot.views.sla_delivery import render_thread_note
from storage import outbox
from storage.db import unit_of_work
from storage.models import Outbox


def post_thread_note(worker: Delivery, row: Outbox) -> None:
    where = card_location(worker, row, "channel")
    if where is None:
        worker.done(row, note="no channel card to reply under")
        return
    with unit_of_work(worker.engine) as session:
        message = render_thread_note(row.payload or {}, session=session, config=worker.config)
    tag = {"event_type": ids.DM_METADATA_EVENT, "payload": {"outbox_id": row.id}}
    worker.post_once(row, where[0], message, tag, thread_ts=where[1])
    worker.done(row)


KINDS: dict[str, Job] = {outbox.THREAD: post_thread_note}
