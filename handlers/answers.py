"""The ephemeral answer to a decision attempt, shared by buttons on every surface."""

from __future__ import annotations

from slack_bolt import Respond

from bot.runtime import Runtime
from bot.services import decisions
from bot.views import messages
from bot.views.text import format_when


def outcome_text(outcome: decisions.Outcome, runtime: Runtime) -> str | None:
    handoff = outcome.handoff
    if outcome.result == decisions.NOT_FOUND or handoff is None:
        return messages.not_found()
    if outcome.result == decisions.REFUSED:
        return messages.refusal(runtime.name_of(handoff.owner_id))
    if outcome.result == decisions.ALREADY:
        at = format_when(handoff.decided_at, runtime.config.timezone) if handoff.decided_at else ""
        return messages.already_decided(handoff.status, runtime.name_of(handoff.decided_by), at)
    if outcome.result == decisions.INVALID:
        return outcome.message
    return None


def answer_outcome(outcome: decisions.Outcome, respond: Respond, runtime: Runtime) -> None:
    text = outcome_text(outcome, runtime)
    if text:
        respond(text=text, response_type="ephemeral", replace_original=False)
