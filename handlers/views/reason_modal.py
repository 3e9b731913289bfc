"""The Reject / Hand back modal: a required reason, an optional note and revisit date."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.inputs import parse_date, parse_id, parse_json_object
from bot.runtime import Runtime
from bot.services import decisions
from bot.views.insight_inputs import parse_insights
from bot.views.reason_modal import (
    Kind,
    parse_private_metadata,
    parse_reason_submission,
    state_value,
)
from handlers.answers import outcome_text
from handlers.events.app_home import publish_home


def submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    user_id = body["user"]["id"]
    meta = metadata_of(view.get("private_metadata"))
    if meta is None:
        ack(response_action="errors", errors={ids.REASON_BLOCK: "This form is out of date."})
        return
    handoff_id, kind = meta
    values = (view.get("state") or {}).get("values") or {}
    form = parse_reason_submission(values)
    if not form.reason_code:
        ack(response_action="errors", errors={ids.REASON_BLOCK: "Pick a reason."})
        return
    picked = state_value(values, ids.REVISIT_BLOCK, ids.REVISIT_INPUT).get("selected_date")
    revisit_on = parse_date(picked)
    if picked is not None and revisit_on is None:
        ack(response_action="errors", errors={ids.REVISIT_BLOCK: "Pick a valid date."})
        return
    action = decisions.REJECT if kind == "reject" else decisions.HANDBACK
    outcome = decisions.decide(
        handoff_id,
        user_id,
        action,
        runtime=runtime,
        reason_code=form.reason_code,
        note=form.note,
        revisit_on=revisit_on,
        insights=parse_insights(values, runtime.config.insights),
    )
    if outcome.result == decisions.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, user_id, runtime)
        return
    block = ids.REVISIT_BLOCK if outcome.field == decisions.REVISIT_FIELD else ids.REASON_BLOCK
    ack(
        response_action="errors",
        errors={
            block: outcome_text(outcome, runtime, plain_for=user_id)
            or "Could not record this decision."
        },
    )


def metadata_of(raw: Any) -> tuple[int, Kind] | None:
    """`(handoff_id, kind)` from the form's private_metadata: short, well-formed JSON
    (checked first, so nothing raises) with an id that fits the database."""
    if parse_json_object(raw) is None:
        return None
    meta = parse_private_metadata(raw)
    if meta is None or parse_id(meta[0]) is None:
        return None
    return meta
