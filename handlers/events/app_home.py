"""App Home: the person's queue of pending leads."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services.home import home_for
from bot.views.home import build_home


def opened(event: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    if event.get("tab") not in (None, "home"):
        return
    user_id = event["user"]
    client.views_publish(user_id=user_id, view=build_home(home_for(user_id, runtime=runtime)))
