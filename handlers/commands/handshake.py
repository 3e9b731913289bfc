"""`/handshake …`: answers are ephemeral to the caller."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot import commands
from bot.runtime import Runtime
from bot.services import settings as person_settings


def handle(ack: Ack, command: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    user_id = command["user_id"]
    parsed = commands.parse(command.get("text"), runtime.clock().date())
    if isinstance(parsed, commands.Usage):
        text = parsed.message
    elif parsed.name == "help":
        text = commands.help_text()
    elif parsed.name == "away":
        text = person_settings.set_away(user_id, parsed.away_until, runtime=runtime)
    elif parsed.name == "capacity":
        text = person_settings.set_capacity(user_id, parsed.capacity, runtime=runtime)
    else:  # pragma: no cover - parse() returns only the commands above
        text = commands.help_text()
    respond(text=text, response_type="ephemeral")
