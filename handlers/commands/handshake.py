"""`/handshake …`: acknowledged at once; answers are ephemeral to the caller, sent through
the command's response_url (reports can take longer than Slack's 3 seconds)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot import commands
from bot.commands.answering import answer
from bot.runtime import Runtime
from bot.services import dials
from bot.services import settings as person_settings
from bot.views.dials import dial_text
from bot.views.settings import change_text


def handle(ack: Ack, command: dict[str, Any], respond: Respond, runtime: Runtime) -> None:
    ack()
    user_id = command["user_id"]
    now = runtime.clock()
    zone = person_settings.zone_for(user_id, runtime=runtime)
    parsed = commands.parse(command.get("text"), now.astimezone(zone).date(), now=now, zone=zone)
    if isinstance(parsed, commands.Usage):
        message: dict[str, Any] = {"text": parsed.message}
    elif parsed.name in commands.REPORTS:
        message = answer(parsed, user_id, runtime=runtime)
    elif parsed.name == "away" and parsed.away_to is not None:
        assert parsed.away_from is not None
        change = person_settings.set_away_window(
            user_id, parsed.away_from, parsed.away_to, runtime=runtime
        )
        message = {"text": change_text(change)}
    elif parsed.name == "away":
        change = person_settings.set_away(user_id, parsed.away_until, runtime=runtime)
        message = {"text": change_text(change)}
    elif parsed.name == "capacity":
        change = person_settings.set_capacity(user_id, parsed.capacity, runtime=runtime)
        message = {"text": change_text(change)}
    elif parsed.name == "dial" and parsed.dial is not None:
        message = {"text": dial_text(dials.dial(user_id, parsed.dial, runtime=runtime))}
    else:  # help
        message = {"text": commands.help_text()}
    respond(**message, response_type="ephemeral")
