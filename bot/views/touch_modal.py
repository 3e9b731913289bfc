"""The "Disqualified after contact" modal and the parsing of its submission."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.views import blocks as bk
from bot.views.reason_modal import (
    ReasonLike,
    note_input,
    note_value,
    reason_input,
    reason_options,
    selected_code,
)
from bot.views.text import one_line, safe

INTRO = "You reached this lead and it is not a fit. Why? Marketing sees your reason on the card."


@dataclass(frozen=True)
class TouchSubmission:
    reason_code: str | None
    note: str | None


def build_touch_modal(
    *,
    handoff_id: int,
    lead_label: str,
    reasons: Sequence[ReasonLike],
    extra: Sequence[bk.Block] = (),
) -> dict[str, Any]:
    """A `views.open` view: a required disqualify reason and an optional note."""
    options = reason_options(reasons)
    if not options:
        raise ValueError("no disqualify reasons to offer")
    return {
        "type": "modal",
        "callback_id": ids.TOUCH_MODAL,
        "private_metadata": json.dumps({"handoff_id": handoff_id}),
        "title": bk.plain_text("Disqualify lead", bk.MODAL_TITLE),
        "submit": bk.plain_text("Disqualify", bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": [
            bk.section(f"*{safe(one_line(lead_label), 500)}*\n{INTRO}"),
            reason_input(ids.TOUCH_REASON_BLOCK, ids.TOUCH_REASON_INPUT, options),
            note_input("What you learned when you reached them"),
            *extra,  # e.g. the insight menus (bot/views/insight_inputs.py)
        ],
    }


def parse_touch_submission(state_values: Any) -> TouchSubmission:
    """Read `view.state.values` of a submitted touch modal; anything missing is None."""
    return TouchSubmission(
        reason_code=selected_code(state_values, ids.TOUCH_REASON_BLOCK, ids.TOUCH_REASON_INPUT),
        note=note_value(state_values),
    )


def parse_touch_metadata(raw: Any) -> int | None:
    """The hand-off id from the touch modal's private_metadata, or None if it is not ours."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    handoff_id = data.get("handoff_id") if isinstance(data, dict) else None
    if isinstance(handoff_id, bool) or not isinstance(handoff_id, int):
        return None
    return handoff_id
