"""Buttons on nudges, escalations and accepted cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.runtime import Runtime
from bot.services import decisions, reassign_picker, sla_actions
from bot.services.settings import zone_for
from bot.views import messages
from bot.views.insight_inputs import insight_blocks
from bot.views.reassign_modal import build_reassign_modal, nobody_else, reassign_refused
from bot.views.text import format_when
from bot.views.touch_modal import build_touch_modal
from handlers.actions.decision import TOO_SLOW
from handlers.answers import Answer, begin, handoff_id_of
from storage.models import Handoff

TOUCH_OF = {ids.TOUCH_CONTACTED: "contacted", ids.TOUCH_MEETING: "meeting_booked"}
Action = Callable[[int, str], decisions.Outcome]


def _run(answer: Answer, action: Action, done_text: Callable[[decisions.Outcome], str]) -> None:
    handoff_id = handoff_id_of(answer.body)
    if handoff_id is None:
        answer(messages.not_found(), error=True)
        return
    outcome = action(handoff_id, answer.user_id)
    answer.runtime.wake()
    if outcome.result == decisions.RECORDED:
        answer(done_text(outcome))
    else:
        answer.outcome(outcome)


def snooze(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    now = runtime.clock()
    tz = zone_for(str((body.get("user") or {}).get("id") or ""), runtime=runtime).key  # theirs
    _run(
        Answer(body, respond, client, runtime),
        lambda h, u: sla_actions.snooze(h, u, runtime=runtime, now=now),
        lambda o: messages.snoozed(
            format_when(
                sla_actions.snoozed_until(
                    o.handoff.owner_id if o.handoff else "", runtime=runtime, now=now
                ),
                tz,
            )
        ),
    )


def nudge_again(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    _run(
        Answer(body, respond, client, runtime),
        lambda h, u: sla_actions.nudge_again(h, u, runtime=runtime),
        lambda o: messages.nudge_sent(runtime.name_of(o.handoff.owner_id if o.handoff else None)),
    )


def reassign_now(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    """**Reassign** opens the manager's picker (the suggested person first)."""
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    opened = reassign_picker.open_picker(handoff_id, answer.user_id, runtime=runtime)
    outcome = opened.outcome
    if outcome.result == decisions.INVALID:
        answer(nobody_else(outcome.lead_label), error=True)
        return
    if outcome.result == decisions.REFUSED and outcome.handoff is not None:
        answer(refused_text(outcome.handoff, runtime), error=True)
        return
    if opened.form is None:
        answer.outcome(outcome)
        return
    view = build_reassign_modal(opened.form, runtime.name_of(opened.form.owner_id))
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError:
        answer(TOO_SLOW, error=True)


def refused_text(handoff: Handoff, runtime: Runtime) -> str:
    label = decisions.about(handoff, runtime=runtime).lead_label
    return reassign_refused(label, runtime.name_of(handoff.owner_id))


def touch(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    kind = TOUCH_OF[body["actions"][0]["action_id"]]
    _run(
        Answer(body, respond, client, runtime),
        lambda h, u: sla_actions.record_touch(h, u, kind, runtime=runtime),
        lambda _o: messages.touch_recorded(kind),
    )


def open_disqualify_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    outcome = decisions.check_touch(
        handoff_id,
        answer.user_id,
        runtime=runtime,
    )
    if outcome.result != decisions.OK:
        answer.outcome(outcome)
        return
    view = build_touch_modal(
        handoff_id=handoff_id,
        lead_label=outcome.lead_label or "this lead",
        reasons=runtime.config.reasons.disqualify,
        extra=insight_blocks(runtime.config.insights),
    )
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError:
        answer(TOO_SLOW, error=True)
