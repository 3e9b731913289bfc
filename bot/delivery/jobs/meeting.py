"""The SDR → AE stage's Slack calls: the AE's meeting card (posted once to the AE's DM,
tagged with the meeting id so a retry finds it; redrawn in place after the decision), and
the SDR's DM with the AE's decision."""

from __future__ import annotations

import logging

from bot import ids
from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.jobs.common import card_posted, update_in_place
from bot.delivery.protocol import Delivery, Job
from bot.services.meeting_cards import MeetingCardContext, load_meeting_card
from bot.views.meeting_card import build_meeting_card
from bot.views.meeting_messages import meeting_outcome_dm
from storage.db import read_only, unit_of_work
from storage.meetings import (
    MEETING_DM,
    POST_MEETING_CARD,
    UPDATE_MEETING_CARD,
    set_meeting_card,
    unfinished_outbox,
)
from storage.models import Outbox

log = logging.getLogger("handshake.delivery")
CARD = "meeting"  # the tag's "card": the AE's meeting card


def _context(worker: Delivery, row: Outbox) -> MeetingCardContext:
    meeting_id = int((row.payload or {}).get("meeting_id") or 0)
    with read_only(worker.engine) as session:  # never waits for SQLite's write lock
        ctx = load_meeting_card(meeting_id, session=session, config=worker.config)
        session.expunge_all()  # kept as read, not expired by the read's rollback
    if ctx is None:
        raise Permanent(f"meeting {meeting_id} does not exist")
    return ctx


def post_meeting_card(worker: Delivery, row: Outbox) -> None:
    ctx = _context(worker, row)
    meeting = ctx.meeting
    worker.learn_time_zone(meeting.ae_id)
    ctx = _context(worker, row)  # with the AE's zone, if it was just learned
    tag = {
        "event_type": ids.CARD_METADATA_EVENT,
        "payload": {"meeting_id": meeting.id, "card": CARD},
    }
    channel, ts, recovered = worker.post_once(row, meeting.ae_id, build_meeting_card(ctx), tag)
    card_posted(
        worker,
        row,
        store=lambda session: set_meeting_card(meeting.id or 0, channel, ts, session=session),
        posted=(channel, ts),
        recovered=recovered,
        lead_id=meeting.lead_id,
        handoff_id=meeting.handoff_id,
        card=CARD,
        meeting_id=meeting.id,
    )
    log.info(
        "meeting card delivered meeting=%s channel=%s ts=%s recovered=%s",
        meeting.id,
        channel,
        ts,
        recovered,
    )


def update_meeting_card(worker: Delivery, row: Outbox) -> None:
    """Waits while the card is still being posted; nothing to do if it never was."""
    ctx = _context(worker, row)
    meeting = ctx.meeting
    if not (meeting.ae_channel and meeting.ae_ts):
        with unit_of_work(worker.engine) as session:
            posting = unfinished_outbox(
                meeting.handoff_id, POST_MEETING_CARD, meeting.id or 0, session=session
            )
        if posting:
            raise RetryLater(
                1, "meeting card not posted yet", maybe_sent=False, counts=False, waiting=True
            )
        # The post may have finished since the first read (it stores where the card is
        # in the transaction that marks it done): read again, after the check.
        ctx = _context(worker, row)
        meeting = ctx.meeting
    if not (meeting.ae_channel and meeting.ae_ts):
        worker.done(row, note="no meeting card to update")
        return
    where = (meeting.ae_channel, meeting.ae_ts)
    update_in_place(worker, row, where, build_meeting_card(ctx))


def post_meeting_dm(worker: Delivery, row: Outbox) -> None:
    recipient = str((row.payload or {}).get("recipient") or "")
    if not recipient:
        raise Permanent("a DM without a recipient")
    ctx = _context(worker, row)
    tag = {"event_type": ids.DM_METADATA_EVENT, "payload": {"outbox_id": row.id}}
    channel, ts, recovered = worker.post_once(row, recipient, meeting_outcome_dm(ctx), tag)
    worker.done(
        row,
        posted=(channel, ts),
        lead_id=ctx.meeting.lead_id,
        event={
            "dm": "meeting_outcome",
            "meeting_id": ctx.meeting.id,
            "recipient": recipient,
            "channel": channel,
            "ts": ts,
            "recovered": recovered,
        },
    )


KINDS: dict[str, Job] = {
    POST_MEETING_CARD: post_meeting_card,
    UPDATE_MEETING_CARD: update_meeting_card,
    MEETING_DM: post_meeting_dm,
}
