"""Buttons on nudges, escalations and accepted cards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.runtime import Runtime
from bot.services import decisions, sla_actions
from bot.views import messages
from bot.views.text import format_when
from bot.views.touch_modal import build_touch_modal
from handlers.actions.decision import handoff_id_of
from handlers.answers import answer_outcome

TOUCH_OF = {ids.TOUCH_CONTACTED: "contacted", ids.TOUCH_MEETING: "meeting_booked"}


def _run(
    body: dict[str, Any], respond: Respond, runtime: Runtime, action: Any, done_text: Any
) -> None:
    handoff_id, user_id = handoff_id_of(body), body["user"]["id"]
    if handoff_id is None:
        respond(text=messages.not_found(), response_type="ephemeral", replace_original=False)
        return
    outcome = action(handoff_id, user_id)
    runtime.wake()
    if outcome.result == decisions.RECORDED:
        respond(text=done_text(outcome), response_type="ephemeral", replace_original=False)
    elif outcome.result == decisions.ALREADY and outcome.handoff is not None:
        respond(text=messages.not_pending(), response_type="ephemeral", replace_original=False)
    else:
        answer_outcome(outcome, respond, runtime)


def snooze(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    now = runtime.clock()
    tz = runtime.config.timezone
    _run(
        body,
        respond,
        runtime,
        lambda h, u: sla_actions.snooze(
            h, u, engine=runtime.engine, config=runtime.config, now=now
        ),
        lambda _o: messages.snoozed(format_when(now + sla_actions.SNOOZE, tz)),
    )


def nudge_again(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    _run(
        body,
        respond,
        runtime,
        lambda h, u: sla_actions.nudge_again(
            h, u, engine=runtime.engine, config=runtime.config, now=runtime.clock()
        ),
        lambda o: messages.nudge_sent(runtime.name_of(o.handoff.owner_id)),
    )


def reassign_now(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    actor = body["user"]["id"]
    _run(
        body,
        respond,
        runtime,
        lambda h, u: sla_actions.reassign_now(
            h,
            u,
            engine=runtime.engine,
            config=runtime.config,
            now=runtime.clock(),
            actor_name=runtime.name_of(actor),
        ),
        lambda o: messages.reassigned_to(runtime.name_of(o.new_handoff.owner_id)),
    )


def touch(ack: Ack, body: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    kind = TOUCH_OF[body["actions"][0]["action_id"]]
    _run(
        body,
        respond,
        runtime,
        lambda h, u: sla_actions.record_touch(
            h, u, kind, engine=runtime.engine, config=runtime.config, now=runtime.clock()
        ),
        lambda _o: messages.touch_recorded(kind),
    )


def open_disqualify_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    ack()
    handoff_id, user_id = handoff_id_of(body), body["user"]["id"]
    if handoff_id is None:
        respond(text=messages.not_found(), response_type="ephemeral", replace_original=False)
        return
    outcome = decisions.check_touch(
        handoff_id, user_id, engine=runtime.engine, config=runtime.config, now=runtime.clock()
    )
    if outcome.result != decisions.OK:
        if outcome.result == decisions.ALREADY:
            respond(text=messages.not_pending(), response_type="ephemeral", replace_original=False)
        else:
            answer_outcome(outcome, respond, runtime)
        return
    reasons = [r for r in runtime.config.reasons.reject if not r.reroute]
    view = build_touch_modal(
        handoff_id=handoff_id, lead_label=outcome.lead_label or "this lead", reasons=reasons
    )
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError:
        respond(
            text="Slack did not let me open the form in time. Please click the button again.",
            response_type="ephemeral",
            replace_original=False,
        )
