"""`user_change`: someone's profile changed in Slack; their status may now say away (or
no longer). Only the status is read here."""

from __future__ import annotations

from typing import Any

from bot.runtime import Runtime
from bot.services.away import learn_status


def changed(event: dict[str, Any], runtime: Runtime) -> None:
    user = event.get("user")
    if not isinstance(user, dict):
        return
    slack_id, profile = user.get("id"), user.get("profile")
    if not isinstance(slack_id, str) or not isinstance(profile, dict):
        return
    learn_status(
        slack_id, profile, engine=runtime.engine, config=runtime.config, now=runtime.clock()
    )
