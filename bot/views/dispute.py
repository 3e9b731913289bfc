"""Disputes in Block Kit: the channel card's button and line, the dispute form, the
ruling form (an optional note), the manager's DM, the thread replies and each side's DM.
Pure: facts in, `{"text", "blocks"}` or a modal view out."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.inputs import parse_id, parse_json_object
from bot.services.dispute_messages import DisputeFacts
from bot.views import blocks as bk
from bot.views.reason_modal import note_input, state_value
from bot.views.text import escape, format_when, one_line, quote, safe, trim

LEAD, NAME, WHY = 300, 200, 1500
DECISION_WORD = {"rejected": "Rejected", "handed_back": "Handed back"}
RULING_WORD = {"upheld": "Upheld", "overturned": "Overturned"}
RULING_FROM_ACTION = {ids.DISPUTE_UPHOLD: "upheld", ids.DISPUTE_OVERTURN: "overturned"}


def dispute_button(handoff_id: int) -> bk.Block:
    return bk.button("Dispute", ids.DISPUTE, value=str(handoff_id))


ALREADY_BACK = "the lead was already back with sales"  # overturned, nobody to re-route to


def card_line(
    *,
    status: str,
    disputed_by_name: str,
    settled_by_name: str | None,
    new_owner_name: str | None,
    rerouted: bool = True,
) -> str:
    """The channel card's line about its dispute."""
    who = safe(one_line(disputed_by_name), NAME)
    if status == "open":
        return f"⚖️ *Disputed* by {who} · awaiting the manager's ruling"
    by = safe(one_line(settled_by_name or "the manager"), NAME)
    line = f"⚖️ Disputed by {who} · *{RULING_WORD.get(status, status)}* by {by}"
    if status == "overturned" and not rerouted:
        line += f" · {ALREADY_BACK}"
    elif status == "overturned":
        line += f" · re-routed to {safe(one_line(new_owner_name or 'the next owner'), NAME)}"
    return line


def build_dispute_modal(*, handoff_id: int, lead_label: str, decision: str) -> dict[str, Any]:
    """Why the decision is wrong: required, posted in the card's thread."""
    word = DECISION_WORD.get(decision, decision).lower()
    element = {
        "type": "plain_text_input",
        "action_id": ids.DISPUTE_WHY_INPUT,
        "multiline": True,
        "max_length": NOTE_MAX_LENGTH,
        "placeholder": bk.plain_text("What does sales have wrong about this lead?", bk.PLACEHOLDER),
    }
    return {
        "type": "modal",
        "callback_id": ids.DISPUTE_MODAL,
        "private_metadata": json.dumps({"handoff_id": handoff_id}),
        "title": bk.plain_text("Dispute decision", bk.MODAL_TITLE),
        "submit": bk.plain_text("Dispute", bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": [
            bk.section(
                f"*{safe(one_line(lead_label), LEAD)}* was {word}. The owner's manager "
                "will uphold or overturn it."
            ),
            bk.input_block(ids.DISPUTE_WHY_BLOCK, "Why", element),
        ],
    }


def build_ruling_modal(*, dispute_id: int, ruling: str, lead_label: str) -> dict[str, Any]:
    """Uphold or Overturn, with an optional note."""
    word = "Overturn" if ruling == "overturned" else "Uphold"
    intro = (
        "The lead goes to the next eligible person who has not held it (unless it is back "
        "with sales already), and this decision stops counting against marketing."
        if ruling == "overturned"
        else "The decision stands."
    )
    return {
        "type": "modal",
        "callback_id": ids.DISPUTE_RULING_MODAL,
        "private_metadata": json.dumps({"dispute_id": dispute_id, "ruling": ruling}),
        "title": bk.plain_text(f"{word} decision", bk.MODAL_TITLE),
        "submit": bk.plain_text(word, bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": [
            bk.section(f"*{safe(one_line(lead_label), LEAD)}*\n{intro}"),
            note_input("Anything both sides should know"),
        ],
    }


def why_value(state_values: Any) -> str | None:
    value = state_value(state_values, ids.DISPUTE_WHY_BLOCK, ids.DISPUTE_WHY_INPUT).get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def dispute_metadata(raw: Any) -> int | None:
    data = parse_json_object(raw)
    return parse_id(data.get("handoff_id")) if data else None


def ruling_metadata(raw: Any) -> tuple[int, str] | None:
    data = parse_json_object(raw)
    if not data or data.get("ruling") not in RULING_WORD:
        return None
    dispute_id = parse_id(data.get("dispute_id"))
    return (dispute_id, str(data["ruling"])) if dispute_id is not None else None


def _decision_text(facts: DisputeFacts) -> str:
    lead = safe(one_line(facts.lead_label), LEAD)
    word = DECISION_WORD.get(facts.decision, facts.decision)
    lines = [f"*{lead}*", f"*Decision:* {word} by {safe(one_line(facts.decided_by_name), NAME)}"]
    if facts.reason:
        lines.append(f"*Reason:* {safe(one_line(facts.reason), 300)}")
    if facts.decision_note:
        lines.append(f"*Note:*\n{quote(facts.decision_note, WHY)}")
    who = safe(one_line(facts.disputed_by_name), NAME)
    lines.append(f"*Disputed by {who}:*\n{quote(facts.why, WHY)}")
    return "\n".join(lines)


def _settled_text(facts: DisputeFacts) -> str:
    by = safe(one_line(facts.settled_by_name or "the manager"), NAME)
    when = f" on {format_when(facts.settled_at, facts.tz)}" if facts.settled_at else ""
    text = f"*{RULING_WORD.get(facts.status, facts.status)}* by {by}{when}"
    if facts.status == "overturned" and not facts.rerouted:
        text += f": {ALREADY_BACK}"
    elif facts.status == "overturned":
        text += (
            f": the lead went to {safe(one_line(facts.new_owner_name or 'the next owner'), NAME)}"
        )
    if facts.settle_note:
        text += f"\n*Note:*\n{quote(facts.settle_note, WHY)}"
    return text


def build_ruling_dm(facts: DisputeFacts, *, template: str) -> dict[str, Any]:
    """The manager's (or, late, an admin's) DM: the lead, the decision, the reason, the
    dispute, and Uphold / Overturn while open; the ruling once settled."""
    lead = escape(one_line(facts.lead_label))
    heads = {
        "dispute_ruling": "⚖️ A decision on your team was disputed",
        "dispute_remind": "⏰ Reminder: a dispute is waiting for your ruling",
        "dispute_escalation": "🚨 A dispute has waited past its deadline",
    }
    result: list[bk.Block] = [
        bk.section(heads.get(template, heads["dispute_ruling"])),
        bk.section(_decision_text(facts)),
    ]
    if facts.status == "open":
        value = str(facts.dispute_id)
        result.append(
            bk.actions(
                [
                    bk.button("Uphold", ids.DISPUTE_UPHOLD, value=value),
                    bk.button("Overturn", ids.DISPUTE_OVERTURN, value=value, style="danger"),
                ]
            )
        )
    else:
        result.append(bk.section(_settled_text(facts)))
    result.append(
        bk.context(f"dispute #{int(facts.dispute_id)} · hand-off #{int(facts.handoff_id)}")
    )
    return {"text": trim(f"⚖️ Dispute: {lead}", 150), "blocks": result}


def _ids(facts: DisputeFacts) -> str:
    return f"dispute #{int(facts.dispute_id)} · hand-off #{int(facts.handoff_id)}"


def build_outcome_dm(facts: DisputeFacts) -> dict[str, Any]:
    """Each side (the marketer who disputed, the rep who decided) told the ruling."""
    lead = safe(one_line(facts.lead_label), LEAD)
    word = RULING_WORD.get(facts.status, facts.status).lower()
    blocks = [
        bk.section(f"⚖️ The dispute on *{lead}* was {word}.\n{_settled_text(facts)}"),
        bk.context(_ids(facts)),
    ]
    fallback = f"Dispute on {escape(one_line(facts.lead_label))}: {word}"
    return {"text": trim(fallback, 150), "blocks": blocks}


def thread_note(kind: str, facts: DisputeFacts) -> dict[str, Any]:
    """The reply under the channel card: the dispute, then its ruling."""
    who = safe(one_line(facts.disputed_by_name), NAME)
    if kind == "disputed":
        text = f"⚖️ {who} disputed this decision:\n{quote(facts.why, WHY)}"
    elif kind == "dispute_settled":
        text = f"⚖️ Dispute {_settled_text(facts)}"
    elif kind in ("dispute_remind", "dispute_escalation"):
        text = "⏰ Dispute still open: reminded the manager"
        if kind == "dispute_escalation":
            text = "🚨 Dispute still open: told the admins"
    else:
        raise ValueError(f"unknown dispute note {kind!r}")
    return {"text": trim(text, 150), "blocks": [bk.section(text)]}


UNCHANGED = "Nothing was changed."


def answer_text(
    result: str, lead_label: str | None, *, status: str | None = None, plain: bool = False
) -> str:
    """What a refused or late disputer or ruler is told: mrkdwn for a message (the lead's
    label escaped), or `plain` for a form's error line (Slack shows it as written)."""
    label = one_line(lead_label)
    lead = (trim(label, LEAD) if plain else safe(label, LEAD)) or "this lead"
    if result == "refused_dispute":
        return f"Only marketers and admins can dispute a decision on {lead}. {UNCHANGED}"
    if result == "refused_rule":
        return (
            f"Only the owner's manager or an admin can rule on the dispute on {lead}. {UNCHANGED}"
        )
    if result == "already_disputed":
        word = "is waiting for a ruling" if status == "open" else f"was {status}"
        return (
            f"The decision on {lead} was disputed already and {word}. "
            "A decision can be disputed once."
        )
    if result == "already_ruled":
        return f"The dispute on {lead} was {status} already. {UNCHANGED}"
    if result == "not_disputable":
        return f"Only a Reject or a Hand back can be disputed; {lead} has none to dispute."
    if result == "no_why":
        return "Say why the decision is wrong."
    return f"This lead no longer exists. {UNCHANGED}"
