"""The jobs: what the delivery worker does for each kind of outbox row, one module per
destination. `JOBS` is the Slack lane's table, `LANE_JOBS` every lane's, which the wiring
hands each lane's worker (bot/server.py); a new kind of outgoing work is a new module here
with its `KINDS`, added to its lane's table below."""

from __future__ import annotations

from bot.delivery.jobs import (
    card_post,
    card_update,
    contract_post,
    digest,
    dm,
    hubspot,
    meeting,
    salesforce,
    thread_reply,
    webhook,
)
from bot.delivery.protocol import Job
from storage.models import LANE_CRM, LANE_SLACK, LANE_WEBHOOK

JOBS: dict[str, Job] = {
    **card_post.KINDS,
    **card_update.KINDS,
    **dm.KINDS,
    **thread_reply.KINDS,
    **digest.KINDS,
    **meeting.KINDS,
    **contract_post.KINDS,
}
WEBHOOK_JOBS: dict[str, Job] = {**webhook.KINDS}
CRM_JOBS: dict[str, Job] = {**hubspot.KINDS, **salesforce.KINDS}

LANE_JOBS: dict[str, dict[str, Job]] = {
    LANE_SLACK: JOBS,
    LANE_WEBHOOK: WEBHOOK_JOBS,
    LANE_CRM: CRM_JOBS,
}
