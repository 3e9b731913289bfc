"""Events out: queue an event for every webhook (and CRM) that wants it, in the caller's
transaction, so the event leaves exactly when the change it reports is committed.

The body is built once, here (bot/integrations/events.py): every retry sends the same
bytes under the same `webhook-id`. Rows:

- `webhook` lane, kind "webhook", destination = the URL; payload
  {"webhook_id": "msg_…", "event": type, "json": "<the exact body text>"}
- `crm` lane, kind and destination "hubspot" / "salesforce", for decisions and the SDR → AE
  stage's meeting events only, when
  `config.crm.<name>` is configured and the lead's source is in its `sources`; payload
  {"event": type, "body": <the same snapshot, as JSON>}, for the CRM job to write back.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.integrations.crm_meetings import MEETING_EVENTS
from bot.integrations.events import body_text, event_body
from storage import outbox
from storage.models import LANE_CRM, LANE_WEBHOOK, Handoff, Lead, Outbox

WEBHOOK = "webhook"
CRM_NAMES = ("hubspot", "salesforce")
CRM_EVENTS = (
    "handoff.accepted",
    "handoff.rejected",
    "handoff.handed_back",
    *MEETING_EVENTS,  # a note / Task with the meeting, the answers and the AE's decision
)


def crm_destinations(config: HandshakeConfig, event_type: str, source: str) -> list[str]:
    """The CRMs that write this event back: configured under `crm`, with the lead's source
    in their `sources`."""
    if event_type not in CRM_EVENTS or config.crm is None:
        return []
    crm = config.crm
    configured = {"hubspot": crm.hubspot, "salesforce": crm.salesforce}
    return [
        name
        for name in CRM_NAMES
        if (settings := configured[name]) is not None and source in settings.sources
    ]


def wanted(config: HandshakeConfig, event_type: str) -> bool:
    """Could anyone hear this event? (Lets a hot path skip loading what `emit` needs.)"""
    if any(w.wants(event_type) for w in config.webhooks):
        return True
    return event_type in CRM_EVENTS and config.crm is not None


def emit(
    event_type: str,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    lead: Lead,
    handoff: Handoff | None = None,
    decision: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Queue `event_type` for its webhooks and CRMs; returns how many rows were queued."""
    if not any(w.wants(event_type) for w in config.webhooks) and not crm_destinations(
        config, event_type, lead.source
    ):
        return 0
    session.flush()  # ids (lead, hand-off) for the snapshot
    rows = outgoing_rows(
        event_type,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=decision,
        extra=extra,
    )
    for row in rows:
        session.add(Outbox(**row))
    return len(rows)


def outgoing_rows(
    event_type: str,
    *,
    config: HandshakeConfig,
    now: datetime,
    lead: Lead,
    handoff: Handoff | None = None,
    decision: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows (`outbox.outbox_values`) that queue `event_type` for its webhooks
    and CRMs, in order; `lead` and `handoff` carry their ids. For `emit`, or a bulk insert."""
    hooks = [w for w in config.webhooks if w.wants(event_type)]
    crms = crm_destinations(config, event_type, lead.source)
    if not hooks and not crms:
        return []
    body = event_body(
        event_type,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=decision,
        extra=extra,
    )
    text = body_text(body)
    where: dict[str, Any] = {
        "now": now,
        "handoff_id": handoff.id if handoff is not None else None,
        "lead_id": lead.id,
    }
    webhook_id = f"msg_{uuid.uuid4().hex}"
    rows = []
    for hook in hooks:
        payload = {"webhook_id": webhook_id, "event": event_type, "json": text}
        rows.append(
            outbox.outbox_values(
                WEBHOOK, WEBHOOK, lane=LANE_WEBHOOK, destination=hook.url, payload=payload, **where
            )
        )
    for name in crms:
        payload = {"event": event_type, "body": json.loads(text)}
        rows.append(
            outbox.outbox_values(
                name, name, lane=LANE_CRM, destination=name, payload=payload, **where
            )
        )
    return rows
