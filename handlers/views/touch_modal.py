"""The "Disqualified after contact" form: a required reason and an optional note."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.inputs import parse_id, parse_json_object
from bot.runtime import Runtime
from bot.services import decisions, sla_actions
from bot.views.insight_inputs import parse_insights
from bot.views.touch_modal import parse_touch_metadata, parse_touch_submission
from handlers.answers import outcome_text
from handlers.events.app_home import publish_home


def submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    raw = view.get("private_metadata")
    well_formed = parse_json_object(raw) is not None  # so the tested parser cannot raise
    handoff_id = parse_id(parse_touch_metadata(raw)) if well_formed else None
    if handoff_id is None:
        ack(response_action="errors", errors={ids.TOUCH_REASON_BLOCK: "This form is out of date."})
        return
    values = (view.get("state") or {}).get("values") or {}
    form = parse_touch_submission(values)
    if not form.reason_code:
        ack(response_action="errors", errors={ids.TOUCH_REASON_BLOCK: "Pick a reason."})
        return
    outcome = sla_actions.record_touch(
        handoff_id,
        body["user"]["id"],
        "disqualified",
        runtime=runtime,
        reason_code=form.reason_code,
        note=form.note,
        insights=parse_insights(values, runtime.config.insights),
    )
    if outcome.result == decisions.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, body["user"]["id"], runtime)
        return
    text = outcome_text(outcome, runtime, plain_for=body["user"]["id"]) or "Could not record this."
    ack(response_action="errors", errors={ids.TOUCH_REASON_BLOCK: text})
