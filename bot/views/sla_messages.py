"""The SLA clock's messages: nudges and escalations (DMs that name the lead and carry
buttons), the manager's fallback notice, and the threaded notes under the channel card.

Lead labels, names and durations are raw text: each is escaped here, once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.views import blocks as bk
from bot.views.sla_parts import (
    card_link,
    decision_buttons,
    escalation_buttons,
    snooze_button,
    tier_text,
    touch_buttons,
)
from bot.views.text import format_when, one_line, safe, trim
from bot.views.touch_modal import (  # re-exported: the touch modal belongs to the SLA clock
    TouchSubmission,
    build_touch_modal,
    parse_touch_metadata,
    parse_touch_submission,
)

NoteKind = Literal[
    "nudge",
    "escalation",
    "reassigned",
    "follow_up_nudge",
    "follow_up_escalation",
    "snoozed",
    "touch",
    "owner_left",
]
NOTES_TO_MANAGER = ("escalation", "follow_up_escalation", "owner_left")  # name the manager

LEAD_LABEL = 300
NAME = 200
WAITED = 40
DETAIL = 500
FALLBACK_TEXT = 150

__all__ = [
    "NOTES_TO_MANAGER",
    "NoteKind",
    "TouchSubmission",
    "build_escalation",
    "build_manager_fallback",
    "build_nudge",
    "build_owner_departed",
    "build_owner_departed_accepted",
    "build_settled_sla_message",
    "build_touch_modal",
    "parse_touch_metadata",
    "parse_touch_submission",
    "thread_note",
]


def _lead(label: object) -> str:
    return safe(one_line(label), LEAD_LABEL) or "a lead"


def _name(name: object, default: str) -> str:
    return safe(one_line(name), NAME) or default


def _waited(waited: object) -> str:
    return safe(one_line(waited), WAITED)


def _message(fallback: str, blocks: list[bk.Block]) -> dict[str, Any]:
    return {"text": trim(fallback, FALLBACK_TEXT), "blocks": blocks[: bk.MAX_BLOCKS]}


def _with_link(text: str, permalink: object) -> str:
    link = card_link(permalink)
    return f"{text}\n{link}" if link else text


def build_nudge(
    *,
    lead_label: str,
    handoff_id: int,
    owner_tz: str,
    due_at: datetime | None,
    waited: str,
    permalink: str | None,
    tier: str | None,
    follow_up: bool = False,
) -> dict[str, Any]:
    """DM to the owner: the lead still waits for a decision (or, follow_up, a first touch)."""
    lead, wait = _lead(lead_label), _waited(waited)
    due = format_when(due_at, owner_tz)
    if follow_up:
        since = f" — {wait} since you accepted it" if wait else ""
        text = f"⏰ *{lead}*: no first touch logged yet{since}, due *{due}*."
        text += "\nLog it here once you have reached out."
        fallback = f"⏰ {lead}: no first touch logged yet"
        buttons = touch_buttons(handoff_id)
    else:
        since = f" — {wait} since it arrived" if wait else ""
        text = f"⏰ *{lead}* is waiting for your decision{since}, due *{due}*."
        fallback = f"⏰ {lead} is waiting for your decision"
        buttons = decision_buttons(handoff_id)
    result = [bk.section(_with_link(text, permalink))]
    if tier and one_line(tier):
        result.append(bk.context(tier_text(tier)))
    result.append(bk.actions([*buttons, snooze_button(handoff_id)]))
    return _message(fallback, result)


def build_escalation(
    *,
    lead_label: str,
    handoff_id: int,
    owner_name: str | None,
    waited: str,
    due_at: datetime | None,
    manager_tz: str,
    permalink: str | None,
    follow_up: bool = False,
) -> dict[str, Any]:
    """DM to the owner's manager: the owner has let the lead wait."""
    lead, owner, wait = _lead(lead_label), _name(owner_name, "its owner"), _waited(waited)
    due = format_when(due_at, manager_tz)
    if follow_up:
        within = f" in {wait}" if wait else ""
        text = (
            f"🚨 *{lead}*: *{owner}* accepted it but has logged no first touch{within}"
            f" (due *{due}*).\nNudge them again if it needs a push."
        )
        fallback = f"🚨 {lead}: no first touch logged by {owner}"
        result = [bk.section(_with_link(text, permalink))]
        result.append(bk.actions(escalation_buttons(handoff_id, reassign=False)))
        return _message(fallback, result)
    waited_for = f"has waited {wait} for" if wait else "is waiting for"
    text = (
        f"🚨 *{lead}* {waited_for} *{owner}* to decide (due *{due}*)."
        "\nNudge them again, reassign the lead, or decide yourself."
    )
    fallback = f"🚨 {lead} {waited_for} {owner}"
    result = [
        bk.section(_with_link(text, permalink)),
        bk.actions(escalation_buttons(handoff_id, reassign=True)),
        bk.actions(decision_buttons(handoff_id)),
    ]
    return _message(fallback, result)


def build_settled_sla_message(
    *,
    lead_label: str,
    escalation: bool,
    outcome: str,
    detail: str | None,
    at: datetime | None,
    tz: str,
    permalink: str | None,
) -> dict[str, Any]:
    """A nudge or an escalation once the lead has moved on (decided, reassigned, first
    touch logged): the buttons are gone and the outcome is shown, as on the card."""
    lead, what = _lead(lead_label), safe(one_line(outcome), DETAIL)
    why = safe(one_line(detail), DETAIL)
    icon = "🚨" if escalation else "⏰"
    text = f"{icon} *{lead}*: {what}" + (f" — {why}" if why else "")
    if at is not None:
        text += f"\n{format_when(at, tz)}"
    result = [bk.section(_with_link(text, permalink)), bk.context("Nothing left to do here.")]
    return _message(f"{icon} {lead}: {what}", result)


def build_manager_fallback(
    *,
    lead_label: str,
    handoff_id: int,
    previous_owner_name: str | None,
    waited: str | None,
    reason: str | None = None,
) -> dict[str, Any]:
    """DM to the manager when a reassignment found nobody else: the lead is theirs now.

    `waited` is a duration ("24h"); `reason`, when there is no duration, is why the lead
    moved as it was recorded ("24h without a decision", "reassigned by Mo").
    """
    lead, previous = _lead(lead_label), _name(previous_owner_name, "Its owner")
    wait, why = _waited(waited), safe(one_line(reason), DETAIL)
    held = f"had it for {wait} without a decision" if wait else "did not decide"
    held += f" — {why}" if why and not wait else ""
    text = (
        f"🔁 No one else on the team can take *{lead}* — it's yours now.\n"
        f"{previous} {held}. Decide on the new lead card in this conversation."
    )
    result = [bk.section(text), bk.context(f"hand-off #{int(handoff_id)}")]
    return _message(f"🔁 No one else can take {lead}: it's yours now", result)


def build_owner_departed(
    *,
    lead_label: str,
    handoff_id: int,
    previous_owner_name: str | None,
    new_owner_name: str | None,
    reason: str | None,
) -> dict[str, Any]:
    """DM to the manager when a lead left with its owner (removed from the roster, or
    deactivated in Slack) moved on to someone else of the team."""
    lead, previous = _lead(lead_label), _name(previous_owner_name, "Its owner")
    new, why = _name(new_owner_name, "the next rep"), safe(one_line(reason), DETAIL)
    text = (
        f"🚪 {previous} can no longer take *{lead}*"
        + (f" ({why})" if why else "")
        + f". It went to {new} by the reassignment rules, with a fresh clock."
    )
    result = [bk.section(text), bk.context(f"hand-off #{int(handoff_id)}")]
    return _message(f"🚪 {lead} moved on from {previous} to {new}", result)


def build_owner_departed_accepted(
    *,
    lead_label: str,
    handoff_id: int,
    owner_name: str | None,
    reason: str | None,
    accepted_at: datetime | None,
    manager_tz: str,
) -> dict[str, Any]:
    """DM to the manager when the owner of a lead they had accepted left before logging a
    first touch: its follow-up reminders have stopped, and the lead waits for a person."""
    lead, owner = _lead(lead_label), _name(owner_name, "Its owner")
    why = safe(one_line(reason), DETAIL)
    when = f" on {format_when(accepted_at, manager_tz)}" if accepted_at else ""
    text = (
        f"🚪 {owner} can no longer follow up on *{lead}*"
        + (f" ({why})" if why else "")
        + f". They accepted it{when} and logged no first touch; its follow-up reminders"
        " have stopped.\nIt stays accepted: reach out yourself, or make a rep its owner"
        " in your CRM."
    )
    result = [bk.section(text), bk.context(f"hand-off #{int(handoff_id)}")]
    return _message(f"🚪 {lead}: {owner} left before the first touch", result)


def thread_note(
    kind: NoteKind,
    *,
    owner_name: str | None,
    manager_name: str | None = None,
    new_owner_name: str | None = None,
    waited: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """A one-line reply under the channel card: what the clock did, no buttons.

    `detail`: for "snoozed" when the snooze ends, for "touch" what was logged
    ("Meeting booked"); for other kinds it is appended after a dash.
    """
    owner = _name(owner_name, "the owner")
    manager = f"{_name(manager_name, '')} (manager)" if one_line(manager_name) else "the manager"
    new_owner = _name(new_owner_name, "the next owner")
    wait = _waited(waited)
    extra = safe(one_line(detail), DETAIL)
    if kind == "nudge":
        text = f"⏰ Nudged {owner}" + (f": {wait} without a decision" if wait else "")
    elif kind == "escalation":
        text = f"🚨 Told {manager}: {owner} has not decided" + (f" in {wait}" if wait else "")
    elif kind == "reassigned":
        after = f" after {wait} without a decision" if wait else ""
        text = f"🔁 Reassigned from {owner} to {new_owner}{after}"
    elif kind == "follow_up_nudge":
        text = f"⏰ Nudged {owner}: no first touch logged" + (f" in {wait}" if wait else "")
    elif kind == "follow_up_escalation":
        within = f" in {wait}" if wait else ""
        text = f"🚨 Told {manager}: {owner} has logged no first touch{within}"
    elif kind == "snoozed":
        until = f" until {extra}" if extra else " for 1h"
        text, extra = f"💤 {owner} snoozed the next reminder{until}", ""
    elif kind == "owner_left":
        why = f" ({extra})" if extra else ""
        told = f"; told {manager}" if one_line(manager_name) else ""
        text, extra = f"🚪 {owner} left{why} before a first touch: reminders stopped{told}", ""
    elif kind == "touch":
        text = f"📞 {owner} logged the first touch" + (f": {extra}" if extra else "")
        extra = ""
    else:
        raise ValueError(f"unknown thread note kind {kind!r}")
    if extra:
        text += f" — {extra}"
    return {"text": trim(text, bk.CONTEXT_TEXT), "blocks": [bk.context(text)]}
