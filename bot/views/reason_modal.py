"""The Reject / Hand back modal and the parsing of its submission."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from bot import ids
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.views import blocks as bk
from bot.views.text import one_line, safe

Kind = Literal["reject", "handback"]


_COPY = {
    "reject": {
        "title": "Reject lead",
        "submit": "Reject",
        "intro": "Why is this lead not for sales? Marketing sees your reason on the card.",
    },
    "handback": {
        "title": "Hand back lead",
        "submit": "Hand back",
        "intro": "Not now? Hand it back to marketing to nurture, with a reason.",
    },
}


class ReasonLike(Protocol):
    """Anything shaped like `bot.config.reasons.Reason`."""

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class ReasonSubmission:
    reason_code: str | None
    note: str | None
    revisit_on: str | None  # "YYYY-MM-DD"


def build_reason_modal(
    *,
    kind: Kind,
    handoff_id: int,
    lead_label: str,
    reasons: Sequence[ReasonLike],
    initial_date: date | None = None,
    extra: Sequence[bk.Block] = (),
) -> dict[str, Any]:
    """A `views.open` view asking for a required reason and an optional note."""
    if kind not in _COPY:
        raise ValueError(f"unknown modal kind {kind!r}; expected 'reject' or 'handback'")
    options = reason_options(reasons)
    if not options:
        raise ValueError(f"no {kind} reasons to offer")
    copy = _COPY[kind]
    view_blocks: list[bk.Block] = [
        bk.section(f"*{safe(one_line(lead_label), 500)}*\n{copy['intro']}"),
        reason_input(ids.REASON_BLOCK, ids.REASON_INPUT, options),
        note_input(),
    ]
    if kind == "handback":
        picker: bk.Block = {
            "type": "datepicker",
            "action_id": ids.REVISIT_INPUT,
            "placeholder": bk.plain_text("Pick a date", bk.PLACEHOLDER),
        }
        if initial_date is not None:
            picker["initial_date"] = initial_date.isoformat()
        view_blocks.append(bk.input_block(ids.REVISIT_BLOCK, "Revisit on", picker, optional=True))
    view_blocks.extend(extra)  # e.g. the insight menus (bot/views/insight_inputs.py)
    return {
        "type": "modal",
        "callback_id": ids.REASON_MODAL,
        "private_metadata": json.dumps({"handoff_id": handoff_id, "kind": kind}),
        "title": bk.plain_text(copy["title"], bk.MODAL_TITLE),
        "submit": bk.plain_text(copy["submit"], bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": view_blocks,
    }


def reason_input(block_id: str, action_id: str, options: list[bk.Block]) -> bk.Block:
    """The required reason menu."""
    element = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": bk.plain_text("Choose a reason", bk.PLACEHOLDER),
        "options": options,
    }
    return bk.input_block(block_id, "Reason", element)


def note_input(placeholder: str = "Anything the next person should know") -> bk.Block:
    """The optional multi-line note (ids.NOTE_BLOCK / ids.NOTE_INPUT)."""
    element = {
        "type": "plain_text_input",
        "action_id": ids.NOTE_INPUT,
        "multiline": True,
        "max_length": NOTE_MAX_LENGTH,
        "placeholder": bk.plain_text(placeholder, bk.PLACEHOLDER),
    }
    return bk.input_block(ids.NOTE_BLOCK, "Note", element, optional=True)


def reason_options(reasons: Sequence[ReasonLike]) -> list[bk.Block]:
    """Menu options for reasons: escaped labels, unique codes that round-trip."""
    options: list[bk.Block] = []
    seen: set[str] = set()
    for reason in reasons:
        code = str(reason.code)
        if not code or len(code) > bk.OPTION_VALUE or code in seen:
            continue  # a trimmed code would not round-trip; a duplicate is ambiguous
        seen.add(code)
        options.append(bk.option(safe(one_line(reason.label) or code, bk.OPTION_TEXT), code))
    return options[: bk.MAX_OPTIONS]


def state_value(state_values: Any, block_id: str, action_id: str) -> dict[str, Any]:
    block = state_values.get(block_id) if isinstance(state_values, dict) else None
    action = block.get(action_id) if isinstance(block, dict) else None
    return action if isinstance(action, dict) else {}


def selected_code(state_values: Any, block_id: str, action_id: str) -> str | None:
    selected = state_value(state_values, block_id, action_id).get("selected_option")
    code = selected.get("value") if isinstance(selected, dict) else None
    return code if isinstance(code, str) and code else None


def note_value(state_values: Any) -> str | None:
    note = state_value(state_values, ids.NOTE_BLOCK, ids.NOTE_INPUT).get("value")
    return note.strip() if isinstance(note, str) and note.strip() else None


def parse_reason_submission(state_values: Any) -> ReasonSubmission:
    """Read `view.state.values` of a submitted reason modal; anything missing is None."""
    revisit = state_value(state_values, ids.REVISIT_BLOCK, ids.REVISIT_INPUT).get("selected_date")
    return ReasonSubmission(
        reason_code=selected_code(state_values, ids.REASON_BLOCK, ids.REASON_INPUT),
        note=note_value(state_values),
        revisit_on=revisit if _is_iso_date(revisit) else None,
    )


def parse_private_metadata(raw: Any) -> tuple[int, Kind] | None:
    """`(handoff_id, kind)` from the modal's private_metadata, or None if it is not ours."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    handoff_id, kind = data.get("handoff_id"), data.get("kind")
    if isinstance(handoff_id, bool) or not isinstance(handoff_id, int):
        return None
    if kind not in _COPY:
        return None
    return handoff_id, kind


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
