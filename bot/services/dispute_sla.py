"""A dispute's clock (issue 14 §1): still open at `sla.dispute_within`, the owner's manager
is reminded; at twice that, each admin is told. Fired by the tick (services/sla_fire.py),
in its transaction: skipped once the dispute is settled, deferred out of the recipient's
hours like every other timer."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.services import notify
from bot.services.disputes import ESCALATION_DM, REMIND_DM
from bot.services.sla_nudge import Rows
from storage.events import event_values
from storage.models import DISPUTE_ESCALATE, DISPUTE_OPEN, DISPUTE_REMIND, Dispute, Timer
from storage.timers import insert_rows

log = logging.getLogger("handshake.sla")
MESSAGE = {
    DISPUTE_REMIND: (REMIND_DM, "dispute_remind", "dispute_reminded"),
    DISPUTE_ESCALATE: (ESCALATION_DM, "dispute_escalation", "dispute_escalated"),
}
DISPUTE_TIMERS = tuple(MESSAGE)


def why_skip(dispute: Dispute | None) -> str | None:
    """Nothing to do: the dispute is gone or settled."""
    if dispute is None:
        return "nothing to do: the dispute is gone"
    if dispute.status != DISPUTE_OPEN:
        return f"nothing to do: the dispute was {dispute.status}"
    return None


def fire_dispute(
    timer: Timer, dispute: Dispute, *, session: Session, now: datetime, rows: Rows | None = None
) -> None:
    """Queue the DM (Uphold / Overturn again), the thread note and the event."""
    template, note, event = MESSAGE[timer.kind]
    recipient = timer.recipient or dispute.manager_id
    about = {"now": now, "dispute_id": dispute.id}
    outbox_rows = [
        notify.dm_values(template, recipient, dispute.handoff_id, **about),
        notify.thread_values(note, dispute.handoff_id, **about),
    ]
    logged = event_values(
        event,
        at=now,
        actor="system",
        lead_id=dispute.lead_id,
        handoff_id=dispute.handoff_id,
        dispute_id=dispute.id,
        recipient=recipient,
    )
    if rows is not None:
        rows.outbox.extend(outbox_rows)
        rows.events.append(logged)
    else:
        insert_rows(outbox_rows, [logged], session=session)
    log.info(
        "%s dispute=%s handoff=%s recipient=%s", event, dispute.id, dispute.handoff_id, recipient
    )
