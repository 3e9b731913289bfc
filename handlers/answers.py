"""Answering the person who clicked, on whatever surface the click came from."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.inputs import parse_id
from bot.runtime import Runtime
from bot.services import decisions
from bot.views import messages
from bot.views.home import Notice
from bot.views.problems import OUR_FAULT, invalid_input
from handlers.events.app_home import publish_home
from storage.models import ACCEPTED, PENDING

log = logging.getLogger("handshake.handlers")
SYSTEM = "system"  # the actor of what the scheduler does


def handoff_id_of(body: dict[str, Any]) -> int | None:
    """The hand-off a button is about (its value)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    return parse_id(action.get("value")) if isinstance(action, dict) else None


def outcome_text(
    outcome: decisions.Outcome, runtime: Runtime, *, plain_for: str | None = None
) -> str | None:
    """What to tell the clicker. `plain_for` (their user id): plain text for a modal's
    error line, times in their own zone; otherwise mrkdwn with Slack date tokens."""
    handoff = outcome.handoff
    if outcome.result == decisions.NOT_FOUND or handoff is None:
        return messages.not_found()
    if outcome.result == decisions.INVALID:
        return invalid_input(outcome.problem, latest=outcome.latest)
    if outcome.result not in (decisions.REFUSED, decisions.ALREADY):
        return None
    about = decisions.about(handoff, runtime=runtime, viewer=plain_for)
    label, plain = outcome.lead_label or about.lead_label, plain_for is not None
    tz = (about.viewer_tz or runtime.config.timezone) if plain else None
    if outcome.result == decisions.REFUSED:
        return messages.refusal(label, runtime.name_of(handoff.owner_id), plain=plain)
    if handoff.status == ACCEPTED and handoff.first_touch:
        by = _who(handoff.touched_by, runtime)
        at = handoff.first_touch_at
        return messages.touch_already(label, handoff.first_touch, by, at, plain_tz=tz)
    if handoff.status == PENDING:
        return messages.not_pending(label, plain=plain)
    return messages.already_decided(
        handoff.status,
        label,
        _who(handoff.decided_by, runtime),
        handoff.decided_at,
        new_owner=runtime.name_of(about.next_owner) if about.next_owner else None,
        plain_tz=tz,
    )


def _who(actor: str | None, runtime: Runtime) -> str | None:
    """A person's name; the scheduler's actor reads as the SLA clock."""
    if actor is None:
        return None
    return "the SLA clock" if actor == SYSTEM else runtime.name_of(actor)


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


def tell_failure(
    body: dict[str, Any], respond: Respond | None, client: WebClient, runtime: Runtime
) -> None:
    """A listener failed: say so where the person acted, ephemerally through the
    response_url when there is one, else as a line at the top of their Home. Best effort:
    this must not fail in turn."""
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    try:
        if respond is not None and body.get("response_url"):
            respond(text=OUR_FAULT, response_type="ephemeral", replace_original=False)
        elif isinstance(user_id, str) and user_id:
            publish_home(client, user_id, runtime, Notice(OUR_FAULT, error=True))
    except Exception:
        log.exception("could not tell user=%s about the failure", user_id)
