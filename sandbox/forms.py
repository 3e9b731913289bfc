"""A modal as a person fills it in: `view.state.values` shaped per element exactly as
Slack's client sends it, from plain answers by block id.

    values = state_values(view, {"when": 1795000000, "ae": "U0AE00002", "note": "Hi"})
    peer.submit_view(user, view_id, values)

An input left unanswered keeps the element's initial value (a pre-filled select stays as it
was), else is empty (`None`), as Slack sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sandbox.interactions import InteractionError
from sandbox.models import JSON

_TEXT = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_ONE_OPTION = {"static_select", "radio_buttons"}
_OPTIONS = {"multi_static_select", "checkboxes"}


def state_values(view: JSON, answers: Mapping[str, Any] | None = None) -> JSON:
    """`{block_id: {action_id: {"type": ..., <value key>: ...}}}` for every input block.

    Answers by block id: text for text inputs; an option's value for a select or radio
    buttons (a list of values for checkboxes and multi selects); "YYYY-MM-DD" (or a date) for
    a datepicker; "HH:MM" (or a time) for a timepicker; epoch seconds (or an aware datetime)
    for a datetimepicker. Raises `InteractionError` for a block that is not an input of this
    view or an option the element does not offer."""
    answers = dict(answers or {})
    values: JSON = {}
    for index, block in enumerate(view.get("blocks") or []):
        if not isinstance(block, dict) or block.get("type") != "input":
            continue
        block_id = str(block.get("block_id") or f"b{index}")
        element = block.get("element") or {}
        answer = answers.pop(block_id, None)
        values[block_id] = {str(element.get("action_id")): element_state(element, answer)}
    if answers:
        raise InteractionError(f"no input block {sorted(answers)[0]} in this view")
    return values


def element_state(element: JSON, answer: Any = None) -> JSON:
    """One element's state after `answer` (None: as it was shown)."""
    kind = str(element.get("type"))
    state: JSON = {"type": kind}
    if kind in _TEXT:
        state["value"] = element.get("initial_value") if answer is None else str(answer)
    elif kind in _ONE_OPTION:
        state["selected_option"] = (
            element.get("initial_option") if answer is None else _option(element, answer)
        )
    elif kind in _OPTIONS:
        state["selected_options"] = (
            list(element.get("initial_options") or [])
            if answer is None
            else [_option(element, value) for value in answer]
        )
    elif kind == "datepicker":
        chosen = answer.isoformat() if isinstance(answer, date) else answer
        state["selected_date"] = element.get("initial_date") if chosen is None else str(chosen)
    elif kind == "timepicker":
        chosen = answer.strftime("%H:%M") if isinstance(answer, time) else answer
        state["selected_time"] = element.get("initial_time") if chosen is None else str(chosen)
        if "timezone" in element:
            state["timezone"] = element["timezone"]
    elif kind == "datetimepicker":
        state["selected_date_time"] = (
            element.get("initial_date_time") if answer is None else _epoch(answer)
        )
    else:
        raise InteractionError(f"the sandbox cannot fill a {kind}")
    return state


def _option(element: JSON, value: Any) -> JSON:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if isinstance(option, dict) and option.get("value") == value:
            return dict(option)
    raise InteractionError("option_not_found")


def _epoch(answer: Any) -> int:
    if isinstance(answer, datetime):
        if answer.tzinfo is None:
            raise InteractionError("a datetimepicker answer needs a time zone")
        return int(answer.timestamp())
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise InteractionError("invalid_date_time")
    return answer
