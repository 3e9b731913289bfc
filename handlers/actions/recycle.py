"""The revisit DM of a recycled lead: Re-engage (button) and Keep nurturing (date picker)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import ids
from bot.inputs import parse_id
from bot.runtime import Runtime
from bot.services import decisions, recycle
from bot.views import messages
from handlers.answers import Answer, handoff_id_of


def re_engage(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    answer = Answer(body, respond, client, runtime)
    handoff_id = handoff_id_of(body)
    if handoff_id is None:
        answer(messages.not_found(), error=True)
        return
    outcome = recycle.re_engage(handoff_id, answer.user_id, runtime=runtime)
    runtime.wake()
    if outcome.result != decisions.RECORDED or outcome.new_handoff is None:
        answer.outcome(outcome)
        return
    owner = runtime.name_of(outcome.new_handoff.owner_id)
    answer(f"Re-engaged: a new hand-off of {outcome.lead_label or 'this lead'} to {owner}.")


def keep_nurturing(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    ack()
    answer = Answer(body, respond, client, runtime)
    action = (body.get("actions") or [{}])[0]
    block_id = str(action.get("block_id") or "")
    handoff_id = parse_id(block_id.removeprefix(f"{ids.REVISIT_KEEP}:"))
    if handoff_id is None:
        answer(messages.not_found(), error=True)
        return
    picked = action.get("selected_date")
    outcome = recycle.keep_nurturing(handoff_id, answer.user_id, picked, runtime=runtime)
    runtime.wake()
    if outcome.result != decisions.RECORDED:
        answer.outcome(outcome)
        return
    answer(f"Kept in nurture: you will be asked again on {picked}.")
