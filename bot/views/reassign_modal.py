"""The manager's Reassign picker: who takes the lead (the suggested one first and
pre-selected), and the answer once it is done."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from bot.services.reassign_picker import Candidate, PickerForm
from bot.views import blocks as bk
from bot.views.text import one_line, safe

NAME = 40  # a name's share of an option's 75 characters


def option_text(candidate: Candidate) -> str:
    notes = [
        n
        for n, on in (("suggested", candidate.suggested), ("held it before", candidate.held_before))
        if on
    ]
    name = safe(one_line(candidate.name), NAME)
    return f"{name} ({', '.join(notes)})" if notes else name


def build_reassign_modal(form: PickerForm, owner_name: str) -> dict[str, Any]:
    """A `views.open` view: a static_select of the people offered (at most 100), the
    suggested one first and pre-selected; the unavailable ones listed below, not offered."""
    options = [bk.option(option_text(c), c.slack_id) for c in form.offered][: bk.MAX_OPTIONS]
    select: bk.Block = {
        "type": "static_select",
        "action_id": ids.REASSIGN_INPUT,
        "placeholder": bk.plain_text("Choose who takes it", bk.PLACEHOLDER),
        "options": options,
    }
    suggested = next((c for c in form.offered if c.suggested), None)
    if suggested is not None:
        select["initial_option"] = options[0]
    blocks: list[bk.Block] = [
        bk.section(
            f"*{safe(one_line(form.lead_label), 500)}*\nNow with "
            f"{safe(one_line(owner_name), 100)}. Who takes it? They get a fresh deadline."
        ),
        bk.input_block(ids.REASSIGN_BLOCK, "Reassign to", select),
    ]
    away = [c for c in form.candidates if c.unavailable]
    if away:
        lines = "; ".join(
            f"{safe(one_line(c.name), NAME)}: {safe(c.unavailable or '', 60)}" for c in away[:20]
        )
        more = f" … and {len(away) - 20} more" if len(away) > 20 else ""
        blocks.append(bk.context(f"Not offered: {lines}{more}"))
    return {
        "type": "modal",
        "callback_id": ids.REASSIGN_MODAL,
        "private_metadata": json.dumps({"handoff_id": form.handoff_id}),
        "title": bk.plain_text("Reassign", bk.MODAL_TITLE),
        "submit": bk.plain_text("Reassign", bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": blocks,
    }


def build_reassigned_view(lead: str, new_owner: str) -> dict[str, Any]:
    """What the modal turns into once the lead has moved."""
    text = f"*{safe(one_line(lead), 500)}* now goes to {safe(one_line(new_owner), 100)}."
    return {
        "type": "modal",
        "title": bk.plain_text("Reassigned", bk.MODAL_TITLE),
        "close": bk.plain_text("Done", bk.MODAL_TITLE),
        "blocks": [bk.section(text)],
    }


def chosen_of(view: dict[str, Any]) -> str | None:
    """The chosen person's Slack ID from a submitted picker, or None."""
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(ids.REASSIGN_BLOCK) or {}
    selected = (block.get(ids.REASSIGN_INPUT) or {}).get("selected_option") or {}
    value = selected.get("value") if isinstance(selected, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= bk.OPTION_VALUE else None


def nobody_else(lead: str | None) -> str:
    return (
        f"No one else on the team can take {safe(one_line(lead or 'this lead'), 300)} now "
        "(everyone else is away or at capacity), so it stays where it is."
    )


NOT_ELIGIBLE = (
    "That person can no longer take this lead (away, at capacity or off the team). Choose again."
)


def reassign_refused(lead: str | None, owner: str | None) -> str:
    """Plain text (a modal's error line, or an ephemeral answer)."""
    who = f"{safe(one_line(owner), 100)}'s manager" if owner else "the owner's manager"
    return (
        f"Only {who} or an admin can reassign {safe(one_line(lead or 'this lead'), 300)}. "
        "Nothing was changed."
    )
