"""From a decision event's body (issue 10 §1: {"type", "timestamp", "data": {"lead",
"handoff", "decision"}}) and the `crm` config to what is written back. Pure: no I/O.

The SDR → AE stage's events (`meeting.*`, their text in `crm_meetings`) write only a note
(HubSpot) or a Task (Salesforce), and, with `owner` on, the AE as the owner on
`meeting.accepted`; the lead's status is left as the first hand-off set it.

The note (HubSpot) and the Task (Salesforce) carry an idempotency `key` ("hs-<outbox id>"):
before creating one again after an unknown outcome, the client looks for it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.config.crm import HubSpotConfig, SalesforceConfig
from bot.crm_ids import NOT_A_HUBSPOT_ID, NOT_AN_ID, hubspot_id, salesforce_shaped
from bot.integrations import crm_meetings
from bot.integrations.crm_meetings import MEETING_LABELS, MeetingEvent, is_meeting_event

OUTCOMES = ("accepted", "rejected", "handed_back")
LABELS = {"accepted": "Accepted", "rejected": "Rejected", "handed_back": "Handed back"}
SUBJECT_MAX = 255  # Task.Subject


class NotADecision(ValueError):
    """The body is not an accept / reject / hand-back of a lead with an external id."""


@dataclass(frozen=True)
class Decision:
    outcome: str  # accepted | rejected | handed_back
    external_id: str  # the contact id (HubSpot) or Lead Id (Salesforce)
    timestamp: str
    reason_code: str | None
    reason_label: str | None
    note: str | None
    revisit_on: str | None
    decided_by: str | None  # a name, else a Slack id
    owner_slack_id: str | None
    insights: tuple[tuple[str, str], ...] = ()  # ("Persona", "Executive"), …: what sales learned


@dataclass(frozen=True)
class HubSpotWrite:
    contact_id: str
    properties: dict[str, str]  # PATCH /crm/v3/objects/contacts/{id}
    note: dict[str, Any] | None  # POST /crm/v3/objects/notes, or None
    key: str


@dataclass(frozen=True)
class SalesforceWrite:
    lead_id: str
    fields: dict[str, Any]  # PATCH …/sobjects/Lead/{id}
    task: dict[str, Any] | None  # POST …/sobjects/Task, or None
    key: str


def decision_of(body: dict[str, Any]) -> Decision:
    data = body.get("data") or {}
    handoff, decision = (data.get(k) or {} for k in ("handoff", "decision"))
    kind = str(body.get("type") or "")
    outcome = kind.removeprefix("handoff.") if kind.startswith("handoff.") else ""
    outcome = outcome if outcome in OUTCOMES else str(decision.get("outcome") or "")
    if outcome not in OUTCOMES:
        raise NotADecision(f"{kind or 'an event'} is not a decision to write back")
    owner = handoff.get("owner") or {}
    return Decision(
        outcome=outcome,
        external_id=external_id_of(body),
        timestamp=str(body.get("timestamp") or ""),
        reason_code=_text(decision.get("reason_code")),
        reason_label=_text(decision.get("reason_label")),
        note=_text(decision.get("note")),
        revisit_on=_text(decision.get("revisit_on")),
        decided_by=_who(decision.get("decided_by")),
        owner_slack_id=_text(owner.get("slack_id")),
        insights=_insights(decision.get("insights")),
    )


def external_id_of(body: dict[str, Any]) -> str:
    lead = (body.get("data") or {}).get("lead") or {}
    external_id = str(lead.get("external_id") or "").strip()
    if not external_id:
        raise NotADecision("the lead has no external_id")
    return external_id


def hubspot_write(
    body: dict[str, Any], config: HubSpotConfig, owner_crm_id: str | None, key: str
) -> HubSpotWrite:
    """The contact's PATCH and note; NotADecision for a lead whose external_id is not a
    HubSpot contact id (it goes into the URL: "../companies/5" must name nothing else)."""
    write = (
        _hubspot_meeting(body, config, owner_crm_id, key)
        if is_meeting_event(body)
        else _hubspot_decision(body, config, owner_crm_id, key)
    )
    if hubspot_id(write.contact_id) is None:
        raise NotADecision(f"the lead's external_id {write.contact_id[:40]!r} {NOT_A_HUBSPOT_ID}")
    return write


def _hubspot_decision(
    body: dict[str, Any], config: HubSpotConfig, owner_crm_id: str | None, key: str
) -> HubSpotWrite:
    d = decision_of(body)
    props: dict[str, str] = {}
    status = getattr(config.statuses, d.outcome)
    if status:
        props[config.status_property] = status
    if config.properties.reason:
        props[config.properties.reason] = _reason(d) or ""  # "" clears it (an accept)
    if config.properties.note:
        props[config.properties.note] = d.note or ""
    owner = owner_crm_id if config.owner and d.outcome == "accepted" else None
    if owner:
        props["hubspot_owner_id"] = owner
    note = None
    if config.notes:
        lines = [f"<b>{html.escape(_title(d))}</b> [{key}]"]
        lines += [html.escape(line) for line in _details(d)]
        note = {"hs_timestamp": d.timestamp, "hs_note_body": "<br>".join(lines)}
        if owner:
            note["hubspot_owner_id"] = owner
    return HubSpotWrite(d.external_id, props, note, key)


def salesforce_write(
    body: dict[str, Any], config: SalesforceConfig, owner_crm_id: str | None, key: str
) -> SalesforceWrite:
    """The Lead's PATCH and Task; NotADecision for a lead whose external_id is not a
    Salesforce id (it goes into the URL)."""
    write = (
        _salesforce_meeting(body, config, owner_crm_id, key)
        if is_meeting_event(body)
        else _salesforce_decision(body, config, owner_crm_id, key)
    )
    if not salesforce_shaped(write.lead_id):
        raise NotADecision(f"the lead's external_id {write.lead_id[:40]!r} {NOT_AN_ID}")
    return write


def _salesforce_decision(
    body: dict[str, Any], config: SalesforceConfig, owner_crm_id: str | None, key: str
) -> SalesforceWrite:
    d = decision_of(body)
    fields: dict[str, Any] = {}
    status = getattr(config.statuses, d.outcome)
    if status:
        fields["Status"] = status
    if config.fields.reason:
        fields[config.fields.reason] = _reason(d)  # None clears it (an accept)
    if config.fields.note:
        fields[config.fields.note] = d.note
    owner = owner_crm_id if config.owner and d.outcome == "accepted" else None
    if owner:
        fields["OwnerId"] = owner
    task = None
    if config.tasks:
        task = {
            "WhoId": d.external_id,
            "Subject": task_subject(d.outcome, key),
            "Status": "Completed",
            "ActivityDate": d.timestamp[:10] or None,
            "Description": "\n".join([_title(d), *_details(d)]),
        }
        if owner:
            task["OwnerId"] = owner
    return SalesforceWrite(d.external_id, fields, task, key)


def task_subject(outcome: str, key: str) -> str:
    """ "Handshake: Accepted [hs-42]", "Handshake: Meeting booked [hs-43]" (`outcome` a
    decision's or a meeting event's type): the key makes the Task findable after a lost
    answer."""
    label = LABELS.get(outcome) or MEETING_LABELS[outcome]
    return f"Handshake: {label} [{key}]"[:SUBJECT_MAX]


def _meeting(body: dict[str, Any]) -> tuple[MeetingEvent, str]:
    try:
        event = crm_meetings.meeting_of(body)
    except crm_meetings.NotAMeeting as exc:
        raise NotADecision(str(exc)) from exc
    return event, external_id_of(body)


def _hubspot_meeting(
    body: dict[str, Any], config: HubSpotConfig, owner_crm_id: str | None, key: str
) -> HubSpotWrite:
    event, contact_id = _meeting(body)
    owner = owner_crm_id if config.owner and event.kind == "meeting.accepted" else None
    props = {"hubspot_owner_id": owner} if owner else {}
    note = None
    if config.notes:
        lines = [f"<b>{html.escape(crm_meetings.title(event))}</b> [{key}]"]
        lines += [html.escape(line) for line in crm_meetings.details(event)]
        stamp = str(body.get("timestamp") or "")
        note = {"hs_timestamp": stamp, "hs_note_body": "<br>".join(lines)}
        if owner:
            note["hubspot_owner_id"] = owner
    return HubSpotWrite(contact_id, props, note, key)


def _salesforce_meeting(
    body: dict[str, Any], config: SalesforceConfig, owner_crm_id: str | None, key: str
) -> SalesforceWrite:
    event, lead_id = _meeting(body)
    owner = owner_crm_id if config.owner and event.kind == "meeting.accepted" else None
    fields: dict[str, Any] = {"OwnerId": owner} if owner else {}
    task = None
    if config.tasks:
        task = {
            "WhoId": lead_id,
            "Subject": task_subject(event.kind, key),
            "Status": "Completed",
            "ActivityDate": str(body.get("timestamp") or "")[:10] or None,
            "Description": "\n".join([crm_meetings.title(event), *crm_meetings.details(event)]),
        }
        if owner:
            task["OwnerId"] = owner
    return SalesforceWrite(lead_id, fields, task, key)


def task_query(lead_id: str, subject: str) -> str:
    """SOQL that finds the Task a previous attempt may have created."""
    return (
        f"SELECT Id FROM Task WHERE WhoId = '{soql_quote(lead_id)}' "
        f"AND Subject = '{soql_quote(subject)}'"
    )


def soql_quote(value: str) -> str:
    """Escape a value for a single-quoted SOQL string literal."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _title(d: Decision) -> str:
    by = f" by {d.decided_by}" if d.decided_by else ""
    return f"Handshake: {LABELS[d.outcome]}{by}"


def _details(d: Decision) -> list[str]:
    lines = []
    if reason := _reason(d):
        lines.append(f"Reason: {reason}")
    if d.note:
        lines.append(f"Note: {d.note}")
    if d.revisit_on:
        lines.append(f"Revisit on: {d.revisit_on}")
    lines += [f"{name}: {value}" for name, value in d.insights]
    return lines


INSIGHT_NAMES = {"persona": "Persona", "decision_role": "Decision role", "objection": "Objection"}


def _insights(value: object) -> tuple[tuple[str, str], ...]:
    """The decision's `insights` ({persona, decision_role, objection}: {code, label} or null)
    as note lines, in that order."""
    found = []
    for key, name in INSIGHT_NAMES.items():
        item = value.get(key) if isinstance(value, dict) else None
        said = (
            _text(item.get("label")) or _text(item.get("code")) if isinstance(item, dict) else None
        )
        if said:
            found.append((name, said))
    return tuple(found)


def _reason(d: Decision) -> str | None:
    if d.reason_code and d.reason_label:
        return f"{d.reason_code}: {d.reason_label}"
    return d.reason_label or d.reason_code


def _who(value: object) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("slack_id"))
    return _text(value)


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
