"""The SDR → AE stage's forms: booking the meeting (the SDR), and the AE's Send back and
Reject. A problem is answered next to its field (`response_action: errors`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.runtime import Runtime
from bot.services import meeting_decisions, meetings
from bot.views.meeting_modals import booking_error_blocks, metadata_of, parse_booking
from bot.views.reason_modal import note_value, selected_code
from handlers.actions.meeting import booking_text, meeting_text
from handlers.events.app_home import publish_home

OUT_OF_DATE = "This form is out of date."


def submit_booking(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    user_id = body["user"]["id"]
    meta = metadata_of(view.get("private_metadata"), "handoff_id")
    if meta is None:
        ack(response_action="errors", errors={ids.MEETING_AT_BLOCK: OUT_OF_DATE})
        return
    handoff_id, data = meta
    codes = [c.code for c in runtime.config.qualification.criteria]
    booking = parse_booking(_values(view), data, codes)
    outcome = meetings.book(handoff_id, user_id, booking, runtime=runtime)
    if outcome.result == meetings.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, user_id, runtime)
        return
    if outcome.result == meetings.INVALID:
        shown = [str(b.get("block_id")) for b in view.get("blocks") or [] if isinstance(b, dict)]
        errors = booking_error_blocks(outcome.errors, shown)
    else:
        errors = {ids.MEETING_AT_BLOCK: booking_text(outcome, runtime, plain=True)}
    ack(response_action="errors", errors=errors)


def submit_send_back(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    values = _values(view)
    _decide(
        ack,
        body,
        view,
        client,
        runtime,
        meeting_decisions.SEND_BACK,
        first_block=ids.MEETING_CRITERION_BLOCK,
        failed_criterion=selected_code(
            values, ids.MEETING_CRITERION_BLOCK, ids.MEETING_CRITERION_INPUT
        ),
        note=note_value(values),
    )


def submit_reject(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    values = _values(view)
    _decide(
        ack,
        body,
        view,
        client,
        runtime,
        meeting_decisions.REJECT,
        first_block=ids.REASON_BLOCK,
        reason_code=selected_code(values, ids.REASON_BLOCK, ids.REASON_INPUT),
        note=note_value(values),
    )


def _decide(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    runtime: Runtime,
    action: str,
    *,
    first_block: str,
    **inputs: Any,
) -> None:
    user_id = body["user"]["id"]
    meta = metadata_of(view.get("private_metadata"), "meeting_id")
    if meta is None:
        ack(response_action="errors", errors={first_block: OUT_OF_DATE})
        return
    outcome = meeting_decisions.decide_meeting(meta[0], user_id, action, runtime=runtime, **inputs)
    if outcome.result == meeting_decisions.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, user_id, runtime)
        return
    block = {
        meeting_decisions.NOTE_FIELD: ids.NOTE_BLOCK,
        meeting_decisions.REASON_FIELD: ids.REASON_BLOCK,
        meeting_decisions.CRITERION_FIELD: ids.MEETING_CRITERION_BLOCK,
    }.get(outcome.field or "", first_block)
    text = meeting_text(outcome, runtime, plain_for=user_id) or "Could not record this."
    ack(response_action="errors", errors={block: text})


def _values(view: dict[str, Any]) -> Any:
    return (view.get("state") or {}).get("values") or {}
