"""`user_change`: someone's profile changed in Slack; their status may now say away (or
no longer), or their account was deactivated (or back)."""

from __future__ import annotations

from typing import Any

from bot.runtime import Runtime
from bot.services.away import learn_status
from bot.services.departures import learn_deactivated


def changed(event: dict[str, Any], runtime: Runtime) -> None:
    user = event.get("user")
    if not isinstance(user, dict):
        return
    slack_id, profile = user.get("id"), user.get("profile")
    if not isinstance(slack_id, str) or not isinstance(profile, dict):
        return
    if isinstance(user.get("deleted"), bool):
        learn_deactivated(slack_id, user["deleted"], runtime=runtime)
    learn_status(
        slack_id, profile, engine=runtime.engine, config=runtime.config, now=runtime.clock()
    )
