"""The dispute form (why, required) and the ruling form (an optional note)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids
from bot.runtime import Runtime
from bot.services import dispute_rulings, disputes
from bot.views.dispute import dispute_metadata, ruling_metadata, why_value
from bot.views.reason_modal import note_value
from handlers.actions.dispute import dispute_text
from handlers.events.app_home import publish_home

OUT_OF_DATE = "This form is out of date."


def submit_dispute(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    handoff_id = dispute_metadata(view.get("private_metadata"))
    if handoff_id is None:
        ack(response_action="errors", errors={ids.DISPUTE_WHY_BLOCK: OUT_OF_DATE})
        return
    why = why_value(_values(view))
    outcome = disputes.open_dispute(handoff_id, body["user"]["id"], why, runtime=runtime)
    if outcome.result == disputes.RECORDED:
        ack()
        runtime.wake()
        return
    ack(response_action="errors", errors={ids.DISPUTE_WHY_BLOCK: dispute_text(outcome, plain=True)})


def submit_ruling(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    user_id = body["user"]["id"]
    meta = ruling_metadata(view.get("private_metadata"))
    if meta is None:
        ack(response_action="errors", errors={ids.NOTE_BLOCK: OUT_OF_DATE})
        return
    dispute_id, ruling = meta
    note = note_value(_values(view))
    outcome = dispute_rulings.rule(dispute_id, user_id, ruling, runtime=runtime, note=note)
    if outcome.result == disputes.RECORDED:
        ack()
        runtime.wake()
        publish_home(client, user_id, runtime)
        return
    ack(
        response_action="errors",
        errors={ids.NOTE_BLOCK: dispute_text(outcome, ruling=True, plain=True)},
    )


def _values(view: dict[str, Any]) -> Any:
    return (view.get("state") or {}).get("values") or {}
