"""`dm` and `update_dm`: nudges and escalations to a person, and settling them in place."""

from __future__ import annotations

from bot import ids
from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.jobs.common import permalink, update_in_place
from bot.delivery.protocol import Delivery, Job
from bot.services.sla_meeting import meeting_id_of
from bot.views.sla_delivery import render_dm, render_settled_dm
from storage import outbox
from storage.db import unit_of_work
from storage.models import OUT_PENDING, OUT_SENDING, Outbox


def post_dm(worker: Delivery, row: Outbox) -> None:
    payload = row.payload or {}
    recipient = str(payload.get("recipient") or "")
    if not recipient:
        raise Permanent("a DM without a recipient")
    worker.learn_time_zone(recipient)
    meeting_id = meeting_id_of(payload)
    link = permalink(worker, row, meeting_id)
    with unit_of_work(worker.engine) as session:
        try:
            message = render_dm(
                payload, row.handoff_id or 0, session=session, config=worker.config, permalink=link
            )
        except LookupError as exc:
            if meeting_id is None:
                raise
            raise Permanent(str(exc)) from exc  # the meeting is gone: nothing to say
    tag = {"event_type": ids.DM_METADATA_EVENT, "payload": {"outbox_id": row.id}}
    if meeting_id is not None:  # what the meeting's DMs are looked up by, on a retry too
        tag["payload"]["meeting_id"] = meeting_id
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


def update_dm(worker: Delivery, row: Outbox) -> None:
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
                raise RetryLater(
                    1, "DM not posted yet", maybe_sent=False, counts=False, waiting=True
                )
            where = None
        else:
            where = (posted.channel, posted.ts)
        payload = dict(dm.payload or {})
    if where is None:
        worker.done(row, note="no DM to update")
        return
    link = permalink(worker, row, meeting_id_of(payload))
    with unit_of_work(worker.engine) as session:
        message = render_settled_dm(
            payload, row.handoff_id or 0, session=session, config=worker.config, permalink=link
        )
    update_in_place(worker, row, where, message)


KINDS: dict[str, Job] = {outbox.DM: post_dm, outbox.UPDATE_DM: update_dm}
