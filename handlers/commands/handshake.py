"""`/handshake …`: acknowledged at once; answers are ephemeral to the caller, sent through
the command's response_url (reports can take longer than Slack's 3 seconds)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot import commands
from bot.commands.answering import answer
from bot.runtime import Runtime
from bot.services import settings as person_settings


def handle(ack: Ack, command: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    user_id = command["user_id"]
    parsed = commands.parse(command.get("text"), runtime.clock().date())
    if isinstance(parsed, commands.Usage):
        message: dict[str, Any] = {"text": parsed.message}
    elif parsed.name in commands.REPORTS:
        message = answer(parsed, user_id, runtime=runtime)
    elif parsed.name == "away":
        message = {"text": person_settings.set_away(user_id, parsed.away_until, runtime=runtime)}
    elif parsed.name == "capacity":
        message = {"text": person_settings.set_capacity(user_id, parsed.capacity, runtime=runtime)}
    else:  # help
        message = {"text": commands.help_text()}
    respond(**message, response_type="ephemeral")
