"""The body of an outgoing event, built once when the event happens: a snapshot, so every
retry (and every destination) gets the same facts, and the webhook the same bytes.

    {"type": "handoff.accepted", "timestamp": "2026-11-23T14:00:00Z",
     "data": {"lead": {…}, "handoff": {…} | null, "decision": {…} | null, …}}

The JSON Schemas in docs/webhooks/ describe each event type.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from bot.config import HandshakeConfig
from bot.config.insights import WHICH
from storage.models import Handoff, Lead, Meeting

LEAD_FIELDS = (
    "id",
    "source",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "company",
    "company_domain",
    "country",
    "score",
    "campaign",
    "crm_url",
    "status",
)


def stamp(value: datetime | date | None) -> str | None:
    """ISO 8601; datetimes in UTC with a Z."""
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def person(config: HandshakeConfig, slack_id: str | None) -> dict[str, Any] | None:
    """A configured person as {slack_id, email, name}; None for "system" and the like."""
    if not slack_id or slack_id in ("system", "intake"):
        return None
    found = config.person(slack_id)
    return {
        "slack_id": slack_id,
        "email": found.email if found else None,
        "name": found.name if found else None,
    }


def lead_data(lead: Lead) -> dict[str, Any]:
    return {name: getattr(lead, name) for name in LEAD_FIELDS}


def handoff_data(config: HandshakeConfig, handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "owner": person(config, handoff.owner_id),
        "status": handoff.status,
        "created_at": stamp(handoff.created_at),
        "due_at": stamp(handoff.due_at),
        "contract_version": handoff.contract_version,
        "signals": list(handoff.signals or []),
        "rule": handoff.rule,
        "team": handoff.team,
        "previous_id": handoff.previous_id,
    }


def decision_data(config: HandshakeConfig, handoff: Handoff) -> dict[str, Any]:
    """Accept, Reject, Hand back (and reassignment) as recorded on the hand-off."""
    return {
        "outcome": handoff.status,
        "reason_code": handoff.reason_code,
        "reason_label": handoff.reason_label or handoff.reassign_reason,
        "note": handoff.note,
        "revisit_on": stamp(handoff.revisit_on),
        "decided_by": person(config, handoff.decided_by),
        "decided_at": stamp(handoff.decided_at),
        "insights": insights_data(config, handoff),
    }


def touch_data(config: HandshakeConfig, handoff: Handoff) -> dict[str, Any]:
    """The first touch after Accept: contacted, meeting_booked or disqualified."""
    return {
        "outcome": handoff.first_touch,
        "reason_code": handoff.touch_reason_code,
        "reason_label": handoff.touch_reason_label,
        "note": handoff.touch_note,
        "revisit_on": None,
        "decided_by": person(config, handoff.touched_by),
        "decided_at": stamp(handoff.first_touch_at),
        "insights": insights_data(config, handoff),
    }


def insights_data(config: HandshakeConfig, handoff: Handoff) -> dict[str, Any]:
    """What sales learned about the buyer: persona, decision_role, objection, each
    `{code, label}` or null (codes from config `insights`)."""
    found: dict[str, Any] = {}
    for which in WHICH:
        code = getattr(handoff, which, None)
        label = config.insights.label(which, code)
        found[which] = {"code": code, "label": label} if code else None
    return found


def meeting_data(config: HandshakeConfig, meeting: Meeting) -> dict[str, Any]:
    """A meeting of the SDR → AE stage: who, when, the SDR's answers to the criteria (each
    with its question as configured now) and the AE's decision."""
    answers = []
    for item in meeting.answers or []:
        code = str(item.get("code"))
        criterion = config.qualification.criterion(code)
        answers.append(
            {
                "code": code,
                "question": criterion.question if criterion else None,
                "answer": item.get("answer"),
                "comment": item.get("comment"),
            }
        )
    reason = (
        {"code": meeting.reason_code, "label": meeting.reason_label}
        if meeting.reason_code
        else None
    )
    return {
        "id": meeting.id,
        "sdr": person(config, meeting.sdr_id),
        "ae": person(config, meeting.ae_id),
        "ae_rule": meeting.ae_rule,
        "meeting_at": stamp(meeting.meeting_at),
        "criteria_version": meeting.criteria_version,
        "answers": answers,
        "note": meeting.note,
        "status": meeting.status,
        "booked_at": stamp(meeting.created_at),
        "due_at": stamp(meeting.due_at),
        "decided_at": stamp(meeting.decided_at),
        "decided_by": person(config, meeting.decided_by),
        "failed_criterion": meeting.failed_criterion,
        "reason": reason,
        "decision_note": meeting.decision_note,
    }


def event_body(
    event_type: str,
    *,
    config: HandshakeConfig,
    now: datetime,
    lead: Lead,
    handoff: Handoff | None = None,
    decision: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lead": lead_data(lead),
        "handoff": handoff_data(config, handoff) if handoff is not None else None,
        "decision": decision,
        **(extra or {}),
    }
    return {"type": event_type, "timestamp": stamp(now), "data": data}


def ping_body(now: datetime) -> dict[str, Any]:
    """What `handshake webhooks test` sends."""
    return {"type": "ping", "timestamp": stamp(now), "data": {"message": "hello from Handshake"}}


def body_text(body: dict[str, Any]) -> str:
    """The exact text that is signed and sent."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
