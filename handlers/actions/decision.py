"""Decision buttons on a lead card: Accept in one click; Reject and Hand back open a modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.runtime import Runtime
from bot.services import decisions
from bot.views.insight_inputs import insight_blocks
from bot.views.reason_modal import build_reason_modal
from handlers.answers import begin

log = logging.getLogger("handshake.handlers")
TOO_SLOW = "Slack did not let me open the form in time. Please click the button again."


def accept(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    outcome = decisions.decide(
        handoff_id,
        answer.user_id,
        decisions.ACCEPT,
        runtime=runtime,
    )
    runtime.wake()
    answer.outcome(outcome)


def open_reason_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    kind = "reject" if body["actions"][0]["action_id"] == ids.REJECT else "handback"
    if handoff_id is None:
        return
    outcome = decisions.check_decider(
        handoff_id,
        answer.user_id,
        runtime=runtime,
        action=kind,
    )
    if outcome.result != decisions.OK or outcome.handoff is None:
        answer.outcome(outcome)
        return
    reasons = runtime.config.reasons.reject if kind == "reject" else runtime.config.reasons.handback
    view = build_reason_modal(
        kind=kind,
        handoff_id=handoff_id,
        lead_label=outcome.lead_label or "this lead",
        reasons=reasons,
        extra=insight_blocks(runtime.config.insights),
    )
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning(
            "views.open failed handoff=%s user=%s error=%s", handoff_id, answer.user_id, error
        )
        answer(TOO_SLOW, error=True)


def link_clicked(ack: Ack) -> None:
    ack()  # a URL button: Slack opens the link; we only acknowledge
