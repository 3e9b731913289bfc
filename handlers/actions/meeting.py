"""The SDR → AE stage's buttons: the SDR's **Meeting booked** (a form in the SDR stage,
else today's one-click first touch), and the AE's three decisions on the meeting card."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.runtime import Runtime
from bot.services import decisions, meeting_decisions, meetings, sla_actions
from bot.views import meeting_messages, messages
from bot.views.meeting_modals import (
    build_booking_modal,
    build_meeting_reject_modal,
    build_send_back_modal,
)
from handlers.actions.decision import TOO_SLOW
from handlers.answers import Answer, begin

log = logging.getLogger("handshake.handlers")
ACTION_OF = {
    ids.MEETING_ACCEPT: meeting_decisions.ACCEPT,
    ids.MEETING_SEND_BACK: meeting_decisions.SEND_BACK,
    ids.MEETING_REJECT: meeting_decisions.REJECT,
}


def book_clicked(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    opened = meetings.open_booking(handoff_id, answer.user_id, runtime=runtime)
    if opened.result == meetings.ONE_CLICK:
        _one_click(answer, handoff_id, runtime)
        return
    if opened.result != meetings.OK or opened.form is None:
        answer(booking_text(opened, runtime), error=True)
        return
    _open(client, body, answer, build_booking_modal(opened.form), f"handoff={handoff_id}")


def _one_click(answer: Answer, handoff_id: int, runtime: Runtime) -> None:
    """Not the SDR stage: Meeting booked logs the first touch, as it always did."""
    outcome = sla_actions.record_touch(
        handoff_id, answer.user_id, "meeting_booked", runtime=runtime
    )
    runtime.wake()
    if outcome.result == decisions.RECORDED:
        answer(messages.touch_recorded("meeting_booked"))
    else:
        answer.outcome(outcome)


def booking_text(outcome: meetings.BookOutcome, runtime: Runtime, *, plain: bool = False) -> str:
    """Why a booking did not happen (refused, or not possible now)."""
    handoff = outcome.handoff
    if outcome.result == meetings.NOT_FOUND or handoff is None:
        return messages.not_found()
    if outcome.result == meetings.REFUSED:
        owner = runtime.name_of(handoff.owner_id)
        return meeting_messages.booking_refused(outcome.lead_label, owner, plain=plain)
    meeting = outcome.meeting
    return meeting_messages.booking_unavailable(
        outcome.why,
        outcome.lead_label,
        ae_name=runtime.name_of(meeting.ae_id) if meeting else None,
        status=meeting.status if meeting else None,
        plain=plain,
    )


def accept(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, meeting_id = begin(ack, body, respond, client, runtime)
    if meeting_id is None:
        return
    outcome = meeting_decisions.decide_meeting(
        meeting_id, answer.user_id, meeting_decisions.ACCEPT, runtime=runtime
    )
    runtime.wake()
    text = meeting_text(outcome, runtime)  # none when recorded: the card itself changes
    answer(text, error=text is not None)


def open_decision_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    answer, meeting_id = begin(ack, body, respond, client, runtime)
    if meeting_id is None:
        return
    action = ACTION_OF[body["actions"][0]["action_id"]]
    outcome = meeting_decisions.check_meeting_decider(
        meeting_id, answer.user_id, action, runtime=runtime
    )
    if outcome.result != meeting_decisions.OK:
        answer(meeting_text(outcome, runtime) or messages.not_found(), error=True)
        return
    label = outcome.lead_label or "this lead"
    if action == meeting_decisions.SEND_BACK:
        criteria = runtime.config.qualification.criteria
        view = build_send_back_modal(meeting_id=meeting_id, lead_label=label, criteria=criteria)
    else:
        reasons = runtime.config.reasons.reject
        view = build_meeting_reject_modal(meeting_id=meeting_id, lead_label=label, reasons=reasons)
    _open(client, body, answer, view, f"meeting={meeting_id}")


def meeting_text(
    outcome: meeting_decisions.MeetingOutcome, runtime: Runtime, *, plain_for: str | None = None
) -> str | None:
    """What to tell whoever clicked or submitted (None: it was recorded, which the cards
    show); `plain_for`: a modal's plain error line, times in that person's zone."""
    meeting = outcome.meeting
    if outcome.result == meeting_decisions.NOT_FOUND or meeting is None:
        return "This meeting no longer exists, so nothing was changed."
    if outcome.result == meeting_decisions.INVALID:
        return outcome.problem or "Something is missing."
    if outcome.result == meeting_decisions.REFUSED:
        name = runtime.name_of(meeting.ae_id)
        return meeting_messages.meeting_refusal(outcome.lead_label, name, plain=bool(plain_for))
    if outcome.result == meeting_decisions.RECORDED:
        return None
    tz = meeting_decisions.viewer_zone(plain_for, runtime=runtime) if plain_for else None
    by = runtime.name_of(meeting.decided_by) if meeting.decided_by else None
    return meeting_messages.meeting_already(
        meeting.status, outcome.lead_label, by, meeting.decided_at, plain_tz=tz
    )


def _open(
    client: WebClient, body: dict[str, Any], answer: Answer, view: dict[str, Any], about: str
) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("views.open failed %s user=%s error=%s", about, answer.user_id, error)
        answer(TOO_SLOW, error=True)
