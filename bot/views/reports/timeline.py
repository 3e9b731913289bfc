"""`/handshake lead`: each lead with that email, its hand-offs and its log as sentences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.reports.timeline import HandoffLine, LeadTimeline, Step, TimelineReport
from bot.views import blocks as bk
from bot.views.reports.tables import (
    NOTE,
    Message,
    campaign_name,
    message,
    name_text,
    short_when,
)
from bot.views.sla_parts import TOUCH_LABELS
from bot.views.text import duration_text, escape, format_when, mention, one_line, safe

STEPS = 120  # timeline steps shown per lead (the latest)
RULES = {
    "crm_owner": "CRM owner",
    "account": "account owner",
    "round_robin": "round robin",
    "manager_fallback": "manager fallback",
    "reroute": "re-route after a wrong-owner reject",
    "reassigned": "reassignment",
    "picked": "reassignment, the manager's pick",
}
REMINDERS = {
    "nudged": "Nudged",
    "escalated": "Escalated to",
    "follow_up_nudged": "Follow-up nudge to",
    "follow_up_escalated": "Follow-up escalated to",
}
DECISIONS = {"accepted": "Accepted", "rejected": "Rejected", "handed_back": "Handed back"}


def build_timeline(report: TimelineReport, *, tz: str) -> Message:
    email = safe(report.email, 320)
    if not report.leads:
        text = f"No lead with the email {email} that you can see."
        return message(text, [bk.section(text)])
    blocks: list[bk.Block] = []
    for lead in report.leads:
        blocks += _lead_blocks(lead, tz)
    if report.hidden:
        blocks.append(bk.context(f"{report.hidden} older leads with this email are not shown."))
    return message(f"Timeline of {email}", blocks)


def _lead_blocks(lead: LeadTimeline, tz: str) -> list[bk.Block]:
    score = "—" if lead.score is None else f"{lead.score:g}"
    blocks: list[bk.Block] = [
        bk.header("Lead: " + safe(one_line(lead.label), 140)),
        bk.section(
            fields=[
                f"*Email*\n{safe(lead.email, 320)}",
                f"*Source*\n{name_text(lead.source)}",
                f"*Campaign*\n{safe(campaign_name(lead.campaign), 200)}",
                f"*Score*\n{score}",
                f"*Status*\n{safe(lead.status.replace('_', ' '), 50)}",
                f"*Received*\n{format_when(lead.created_at, tz)}",
            ]
        ),
    ]
    if lead.handoffs:
        blocks.append(bk.context(*[_handoff_line(h, tz) for h in lead.handoffs[-10:]]))
    steps = lead.steps[-STEPS:]
    lines = [f"`{short_when(s.at, tz)}` {step_text(s, tz)}" for s in steps]
    if len(lead.steps) > len(steps):
        lines.insert(0, f"_{len(lead.steps) - len(steps)} earlier steps not shown_")
    chunk: list[str] = []
    for line in lines or ["No steps recorded."]:
        if sum(len(x) + 1 for x in chunk) + len(line) > bk.SECTION_TEXT - 100:
            blocks.append(bk.section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(bk.section("\n".join(chunk)))
    return blocks


def _handoff_line(h: HandoffLine, tz: str) -> str:
    """ "Hand-off 12 to Ben Brooks: rejected" or "…: pending, due Tue 24 Nov 2026, 18:00 UTC"."""
    status = h.status.replace("_", " ")
    if h.status == "pending":
        status += f", due {format_when(h.due_at, tz)}"
    elif h.first_touch:
        status += f", then {TOUCH_LABELS.get(h.first_touch, h.first_touch).lower()}"
    return f"Hand-off {h.handoff_id} to {name_text(h.owner_name)}: {safe(status, 200)}"


def _who(slack_id: object) -> str:
    if slack_id in (None, "", "intake", "system"):
        return "Handshake"
    return mention(slack_id)


def _note(note: object) -> str:
    text = one_line(note)
    return f" · “{safe(text, NOTE)}”" if text else ""


def _said(value: object, limit: int) -> str:
    return safe(one_line(value), limit)


def step_text(step: Step, tz: str) -> str:
    """One event of the log, as a person would say it (outside values escaped)."""
    d, who, kind = step.data, _who(step.actor), step.kind
    if kind == "received":
        campaign = f" · campaign {_said(d.get('campaign'), 200)}" if d.get("campaign") else ""
        return f"Received from {name_text(d.get('source'))}{campaign}"
    if kind == "received_again":
        return "Sent again by intake" + (
            " and revived after its hand-back" if d.get("revived") else ""
        )
    if kind == "duplicate":
        return "Sent again: a duplicate, nothing posted"
    if kind == "nurtured":
        return f"Kept in nurture: {_said(d.get('reason'), NOTE) or 'below the contract'}"
    if kind == "routed":
        rule = RULES.get(str(d.get("rule")), _said(d.get("rule"), 60))
        return f"Routed to {_who(d.get('owner'))} by {rule}"
    if kind == "delivered":
        card = d.get("card")
        where = {"owner": "the owner's DM", "channel": "the hand-off channel"}.get(str(card))
        return f"Card posted to {where}" if where else "Message delivered"
    if kind == "delivery_failed":
        return f"Slack call failed: {_said(d.get('error'), 200)}"
    if kind in REMINDERS:
        waited = f" after {_said(d.get('waited'), 40)}" if d.get("waited") else ""
        return f"{REMINDERS[kind]} {_who(d.get('recipient'))}{waited}"
    if kind == "snoozed":
        return f"{who} snoozed the reminders for an hour"
    if kind == "reassigned":
        reason = f" · {_said(d.get('reason'), NOTE)}" if d.get("reason") else ""
        return f"Reassigned to {_who(d.get('new_owner'))}{reason}"
    if kind in DECISIONS:
        return _decision_text(kind, who, d)
    if kind == "first_touch":
        touch = TOUCH_LABELS.get(str(d.get("touch")), _said(d.get("touch"), 60))
        why = f": {_said(d.get('reason'), NOTE)}" if d.get("reason") else ""
        after = _after(d.get("minutes"), "after the accept")
        return f"First touch by {who}: {touch}{why}{after}{_note(d.get('note'))}"
    if kind == "waiting":
        latest = _moment(d.get("give_up_at"), tz)
        by = f", by {latest} at the latest" if latest else ""
        return f"Waiting for someone on shift: routed when the first shift starts{by}"
    if kind == "away_reassigned":
        until = _moment(d.get("until"), tz)
        back = f" (away until {until})" if until else ""
        return f"Moved to {_who(d.get('new_owner'))} at once: {who} went away{back}"
    if kind == "follow_up_stopped":
        why = f" ({_said(d.get('reason'), 60)})" if d.get("reason") else ""
        told = f"; told {_who(d.get('recipient'))}" if d.get("recipient") else ""
        return f"Follow-up reminders stopped: {_who(d.get('owner'))} left{why}{told}"
    if kind == "meeting_ae_left":
        why = f" ({_said(d.get('reason'), 60)})" if d.get("reason") else ""
        return f"Meeting handed to the manager: {_who(d.get('ae'))} left{why}"
    if kind == "click_refused":
        return f"{who} tried to {_said(d.get('action'), 40)} but may not decide"
    if kind == "decision_lost":
        return f"{who} clicked {_said(d.get('action'), 40)} too late"
    return f"{safe(one_line(kind).replace('_', ' '), 60).capitalize()} by {who}"


def _moment(value: object, tz: str) -> str:
    """An ISO time from an event's data, in the reader's zone; "" when there is none."""
    if not isinstance(value, str):
        return ""
    try:
        return format_when(datetime.fromisoformat(value), tz)
    except ValueError:
        return ""


def _after(minutes: object, tail: str = "") -> str:
    """ " after 3h 20m" (or ", 3h 20m after the accept" with a `tail`); "" for no minutes."""
    if not isinstance(minutes, int | float):
        return ""
    if tail:
        return f", {escape(duration_text(float(minutes)))} {tail}"
    return f" after {escape(duration_text(float(minutes)))}"


def _decision_text(kind: str, who: str, d: Any) -> str:
    text = f"{DECISIONS[kind]} by {who}{_after(d.get('minutes'))}"
    if d.get("reason"):
        text += f": {_said(d.get('reason'), NOTE)}"
    if d.get("routing_error"):
        text += " (routing error: re-routed)"
    if d.get("revisit_on"):
        text += f" · revisit {_said(d.get('revisit_on'), 20)}"
    return text + _note(d.get("note"))
