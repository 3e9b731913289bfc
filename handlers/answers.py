"""Answering the person who clicked, on whatever surface the click came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.inputs import parse_id
from bot.runtime import Runtime
from bot.services import decisions
from bot.services.home import Notice
from bot.views import messages
from bot.views.text import format_when
from handlers.events.app_home import publish_home


def handoff_id_of(body: dict[str, Any]) -> int | None:
    """The hand-off a button is about (its value)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    return parse_id(action.get("value")) if isinstance(action, dict) else None


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


@dataclass
class Answer:
    """Tell the clicker something: ephemerally where the message was (its response_url),
    or, for a click on App Home (which has none), as a line at the top of their Home.
    Either way their Home is refreshed: it shows their own queue and settings."""

    body: dict[str, Any]
    respond: Respond
    client: WebClient
    runtime: Runtime

    @property
    def user_id(self) -> str:
        return str(self.body["user"]["id"])

    def __call__(self, text: str | None = None, *, error: bool = False) -> None:
        on_home = not self.body.get("response_url")
        if text and not on_home:
            self.respond(text=text, response_type="ephemeral", replace_original=False)
        notice = Notice(text, error=error) if text and on_home else None
        publish_home(self.client, self.user_id, self.runtime, notice)

    def outcome(self, outcome: decisions.Outcome) -> None:
        text = outcome_text(outcome, self.runtime)
        self(text, error=outcome.result != decisions.RECORDED and text is not None)


def begin(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> tuple[Answer, int | None]:
    """Every button listener starts alike: ack, then the clicked hand-off (None, already
    answered, when the button carries none)."""
    ack()
    answer = Answer(body, respond, client, runtime)
    handoff_id = handoff_id_of(body)
    if handoff_id is None:
        answer(messages.not_found(), error=True)
    return answer, handoff_id
