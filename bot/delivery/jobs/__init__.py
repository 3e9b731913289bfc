"""The jobs: what the delivery worker does for each kind of outbox row, one module per
destination. `JOBS` is the table the wiring hands the worker (bot/server.py); a new kind
of outgoing work is a new module here with its `KINDS`, added to the table below."""

from __future__ import annotations

from bot.delivery.jobs import card_post, card_update, digest, dm, thread_reply
from bot.delivery.protocol import Job

JOBS: dict[str, Job] = {
    **card_post.KINDS,
    **card_update.KINDS,
    **dm.KINDS,
    **thread_reply.KINDS,
    **digest.KINDS,
}
