"""The Reject / Hand back modal: a required reason, an optional note and revisit date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.runtime import Runtime
from bot.services import decisions
from bot.views.reason_modal import parse_reason_submission
from handlers.answers import outcome_text
from handlers.events.app_home import publish_home


def submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    user_id = body["user"]["id"]
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        handoff_id, kind = int(meta["handoff_id"]), str(meta["kind"])
    except (ValueError, KeyError, TypeError):
        ack(response_action="errors", errors={ids.REASON_BLOCK: "This form is out of date."})
        return
    form = parse_reason_submission((view.get("state") or {}).get("values") or {})
    if not form.reason_code:
        ack(response_action="errors", errors={ids.REASON_BLOCK: "Pick a reason."})
        return
    revisit_on = None
    if form.revisit_on:
        try:
            revisit_on = date.fromisoformat(form.revisit_on)
        except ValueError:
            ack(response_action="errors", errors={ids.REVISIT_BLOCK: "Pick a valid date."})
            return
    action = decisions.REJECT if kind == "reject" else decisions.HANDBACK
    outcome = decisions.decide(
        handoff_id,
        user_id,
        action,
        engine=runtime.engine,
        config=runtime.config,
        now=runtime.clock(),
        reason_code=form.reason_code,
        note=form.note,
        revisit_on=revisit_on,
    )
    if outcome.result == decisions.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, user_id, runtime)
        return
    block = (
        ids.REVISIT_BLOCK
        if outcome.message and "revisit" in outcome.message
        else (ids.REASON_BLOCK)
    )
    ack(
        response_action="errors",
        errors={block: outcome_text(outcome, runtime) or "Could not record this decision."},
    )
