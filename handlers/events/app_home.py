"""App Home: published when the person opens it, and again after their own actions."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from bot.services.home import home_for
from bot.views.home import Notice, build_home

log = logging.getLogger("handshake.handlers")


def opened(event: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    if event.get("tab") not in (None, "home"):
        return
    publish_home(client, event["user"], runtime)


def publish_home(
    client: WebClient, user_id: str, runtime: Runtime, notice: Notice | None = None
) -> None:
    """Build `user_id`'s Home from the database and publish it. A refresh is best effort:
    a Slack failure is logged, never raised into the listener that asked for it."""
    view = build_home(home_for(user_id, runtime=runtime), notice)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.warning("views.publish failed user=%s error=%s", user_id, exc.response.get("error"))
