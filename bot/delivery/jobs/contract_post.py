"""`contract_post`: the hand-off channel hears that the qualification contract changed."""

from __future__ import annotations

from bot.delivery.protocol import Delivery, Job
from bot.views.contract_change import contract_change_message
from storage.contract_log import CONTRACT_POST
from storage.models import Outbox

METADATA_EVENT = "handshake_contract"


def post_contract_change(worker: Delivery, row: Outbox) -> None:
    message = contract_change_message(row.payload or {})
    tag = {"event_type": METADATA_EVENT, "payload": {"outbox_id": row.id}}
    channel, ts, _ = worker.post_once(row, worker.config.handoff_channel, message, tag)
    worker.done(row, posted=(channel, ts))


KINDS: dict[str, Job] = {CONTRACT_POST: post_contract_change}
