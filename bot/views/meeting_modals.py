"""The SDR → AE stage's modals: booking the meeting (the SDR), sending it back and
rejecting it (the AE), and the parsing of their submissions."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from bot import ids
from bot.config.qualification import NO, UNSURE, YES, Criterion
from bot.domain.meetings import COMMENT_MAX_LENGTH, SENT_BACK_BY
from bot.domain.routing import ACCOUNT, MANAGER_FALLBACK, ROUND_ROBIN
from bot.inputs import parse_id, parse_json_object
from bot.services.booking_form import AE_FIELD, AT_FIELD, NOTE_FIELD, Answer, Booking, BookingForm
from bot.views import blocks as bk
from bot.views.reason_modal import (
    ReasonLike,
    note_input,
    note_value,
    reason_input,
    reason_options,
    selected_code,
    state_value,
)
from bot.views.text import one_line, safe

ANSWER_OPTIONS = ((YES, "Yes"), (UNSURE, "Unsure"), (NO, "No"))
PICKED_BY = {
    ACCOUNT: "Pre-filled: the AE who already holds this account.",
    SENT_BACK_BY: "Pre-filled: the AE who sent this meeting back.",
    ROUND_ROBIN: "Pre-filled by round robin among your team's AEs.",
    MANAGER_FALLBACK: "No AE of your team is available: pre-filled with your manager.",
}
_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z


def build_booking_modal(form: BookingForm) -> dict[str, Any]:
    """A `views.open` view: when, which AE (pre-filled), the criteria, a note."""
    options = [bk.option(safe(one_line(c.label), bk.OPTION_TEXT), c.slack_id) for c in form.choices]
    options = options[: bk.MAX_OPTIONS]
    ae_select: bk.Block = {
        "type": "static_select",
        "action_id": ids.MEETING_AE_INPUT,
        "placeholder": bk.plain_text("Choose the AE", bk.PLACEHOLDER),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == form.suggested), None)
    if initial is not None:
        ae_select["initial_option"] = initial
    ae_block = bk.input_block(ids.MEETING_AE_BLOCK, "AE", ae_select)
    if form.rule in PICKED_BY:
        ae_block["hint"] = bk.plain_text(PICKED_BY[form.rule], bk.PLACEHOLDER)
    picker = {"type": "datetimepicker", "action_id": ids.MEETING_AT_INPUT}
    blocks: list[bk.Block] = [
        bk.section(
            f"*{safe(one_line(form.lead_label), 500)}*\nWhen is the meeting, who takes it, and "
            "how does the lead stand on the team's questions? The AE sees your answers."
        ),
        bk.input_block(ids.MEETING_AT_BLOCK, "Meeting date and time", picker),
        ae_block,
    ]
    for criterion in form.criteria:
        blocks += criterion_inputs(criterion)
    blocks.append(note_input("Anything the AE should know before the meeting"))
    metadata = {"handoff_id": form.handoff_id, "ae": form.suggested, "rule": form.rule}
    return {
        "type": "modal",
        "callback_id": ids.MEETING_BOOK_MODAL,
        "private_metadata": json.dumps(metadata),
        "title": bk.plain_text("Book the meeting", bk.MODAL_TITLE),
        "submit": bk.plain_text("Book", bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": blocks,
    }


def criterion_inputs(criterion: Criterion) -> list[bk.Block]:
    """A required Yes / Unsure / No and an optional comment."""
    radios = {
        "type": "radio_buttons",
        "action_id": ids.MEETING_ANSWER_INPUT,
        "options": [bk.option(label, value) for value, label in ANSWER_OPTIONS],
    }
    comment = {
        "type": "plain_text_input",
        "action_id": ids.MEETING_COMMENT_INPUT,
        "max_length": COMMENT_MAX_LENGTH,
        "placeholder": bk.plain_text("Why? (optional)", bk.PLACEHOLDER),
    }
    question = safe(one_line(criterion.question), bk.INPUT_LABEL)
    return [
        bk.input_block(ids.MEETING_ANSWER_BLOCK + criterion.code, question, radios),
        bk.input_block(
            ids.MEETING_COMMENT_BLOCK + criterion.code, "Comment", comment, optional=True
        ),
    ]


def parse_booking(state_values: Any, metadata: dict[str, Any], codes: Sequence[str]) -> Booking:
    """Read a submitted booking form; anything missing or malformed is None."""
    at = state_value(state_values, ids.MEETING_AT_BLOCK, ids.MEETING_AT_INPUT)
    answers = {}
    for code in codes:
        answer = selected_code(
            state_values, ids.MEETING_ANSWER_BLOCK + code, ids.MEETING_ANSWER_INPUT
        )
        comment = state_value(
            state_values, ids.MEETING_COMMENT_BLOCK + code, ids.MEETING_COMMENT_INPUT
        ).get("value")
        text = comment.strip() if isinstance(comment, str) and comment.strip() else None
        answers[code] = Answer(answer, text)
    suggested, rule = metadata.get("ae"), metadata.get("rule")
    return Booking(
        meeting_at=_moment(at.get("selected_date_time")),
        ae_id=selected_code(state_values, ids.MEETING_AE_BLOCK, ids.MEETING_AE_INPUT),
        answers=answers,
        note=note_value(state_values),
        suggested=suggested if isinstance(suggested, str) else None,
        rule=rule if isinstance(rule, str) else None,
    )


def _moment(value: Any) -> datetime | None:
    """A datetimepicker's `selected_date_time` (epoch seconds) as an aware UTC time."""
    seconds = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        seconds = int(value)
    if seconds is None or not 0 < seconds <= _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(seconds, UTC)


CRITERIA_CHANGED = (
    "The qualification criteria changed while this form was open. Close it and click "
    "Book meeting again."
)


def booking_error_blocks(
    errors: dict[str, str], shown: Collection[str] | None = None
) -> dict[str, str]:
    """The service's errors by field, as `response_action: errors` wants them: by block.
    `shown`: the form's block ids; an error for a block it lacks (a criterion added by a
    config reload while it was open) would make Slack refuse the answer, so it becomes
    one line on the first field."""
    found = _error_blocks(errors)
    if shown is not None and not set(found) <= set(shown):
        return {ids.MEETING_AT_BLOCK: CRITERIA_CHANGED}
    return found


def _error_blocks(errors: dict[str, str]) -> dict[str, str]:
    blocks = {
        AT_FIELD: ids.MEETING_AT_BLOCK,
        AE_FIELD: ids.MEETING_AE_BLOCK,
        NOTE_FIELD: ids.NOTE_BLOCK,
    }
    found = {}
    for key, message in errors.items():
        kind, _, code = key.partition(":")
        if kind == "answer":
            found[ids.MEETING_ANSWER_BLOCK + code] = message
        elif kind == "comment":
            found[ids.MEETING_COMMENT_BLOCK + code] = message
        else:
            found[blocks.get(key, ids.MEETING_AT_BLOCK)] = message
    return found


def metadata_of(raw: Any, key: str) -> tuple[int, dict[str, Any]] | None:
    """(id under `key`, the whole object) from a modal's private_metadata, or None."""
    data = parse_json_object(raw)
    found = parse_id(data.get(key)) if data is not None else None
    if found is None or data is None:
        return None
    return found, data


def build_send_back_modal(
    *, meeting_id: int, lead_label: str, criteria: Sequence[Criterion]
) -> dict[str, Any]:
    """Which criterion failed (required) and a note for the SDR (required)."""
    options = [bk.option(safe(one_line(c.question), bk.OPTION_TEXT), c.code) for c in criteria][
        : bk.MAX_OPTIONS
    ]
    select = {
        "type": "static_select",
        "action_id": ids.MEETING_CRITERION_INPUT,
        "placeholder": bk.plain_text("Choose the criterion", bk.PLACEHOLDER),
        "options": options,
    }
    note = note_input("What the SDR should find out before booking again")
    note["optional"] = False
    return _decision_modal(
        ids.MEETING_SEND_BACK_MODAL,
        meeting_id,
        "Send back to SDR",
        "Send back",
        f"*{safe(one_line(lead_label), 500)}*\nWhich of the agreed questions failed? "
        "The SDR sees it on their card and can book again once it is answered.",
        [bk.input_block(ids.MEETING_CRITERION_BLOCK, "Criterion that failed", select), note],
    )


def build_meeting_reject_modal(
    *, meeting_id: int, lead_label: str, reasons: Sequence[ReasonLike]
) -> dict[str, Any]:
    """A required reject reason and an optional note."""
    options = reason_options(reasons)
    if not options:
        raise ValueError("no reject reasons to offer")
    return _decision_modal(
        ids.MEETING_REJECT_MODAL,
        meeting_id,
        "Reject meeting",
        "Reject",
        f"*{safe(one_line(lead_label), 500)}*\nWhy is this not an opportunity for you? "
        "The SDR and marketing see your reason.",
        [reason_input(ids.REASON_BLOCK, ids.REASON_INPUT, options), note_input()],
    )


def _decision_modal(
    callback_id: str,
    meeting_id: int,
    title: str,
    submit: str,
    intro: str,
    inputs: list[bk.Block],
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps({"meeting_id": meeting_id}),
        "title": bk.plain_text(title, bk.MODAL_TITLE),
        "submit": bk.plain_text(submit, bk.MODAL_TITLE),
        "close": bk.plain_text("Cancel", bk.MODAL_TITLE),
        "blocks": [bk.section(intro), *inputs],
    }
