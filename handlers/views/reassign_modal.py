"""The manager's Reassign picker, submitted: the lead goes to the chosen person, or the
form says why nothing was done (next to the menu, `response_action: errors`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.inputs import parse_id, parse_json_object
from bot.runtime import Runtime
from bot.services import decisions, reassign_picker
from bot.views import messages
from bot.views.reassign_modal import NOT_ELIGIBLE, build_reassigned_view, chosen_of
from handlers.actions.sla import refused_text
from handlers.answers import outcome_text

OUT_OF_DATE = "This form is out of date. Click Reassign again."


def submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    user_id = body["user"]["id"]
    meta = parse_json_object(view.get("private_metadata"))
    handoff_id = parse_id(meta.get("handoff_id")) if meta is not None else None
    if handoff_id is None:
        ack(response_action="errors", errors={ids.REASSIGN_BLOCK: OUT_OF_DATE})
        return
    outcome = reassign_picker.pick(
        handoff_id,
        user_id,
        chosen_of(view),
        runtime=runtime,
        actor_name=runtime.name_of(user_id),
    )
    if outcome.result == decisions.RECORDED and outcome.new_handoff is not None:
        runtime.wake()
        label = decisions.about(outcome.new_handoff, runtime=runtime).lead_label
        new_owner = runtime.name_of(outcome.new_handoff.owner_id)
        ack(response_action="update", view=build_reassigned_view(label or "The lead", new_owner))
        return
    if outcome.result == decisions.INVALID:
        text = NOT_ELIGIBLE
    elif outcome.result == decisions.REFUSED and outcome.handoff is not None:
        text = refused_text(outcome.handoff, runtime)
    else:
        text = outcome_text(outcome, runtime, plain_for=user_id) or messages.not_found()
    ack(response_action="errors", errors={ids.REASSIGN_BLOCK: text})
