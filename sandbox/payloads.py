"""Requests from Slack to the bot, shaped and signed the way Slack sends them.

Each builder returns `(body, content_type)`; `sign()` gives the headers Bolt verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from sandbox.models import APP_ID, JSON, TEAM_DOMAIN, TEAM_ID

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
_TEAM = {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def sign(signing_secret: str, body: str, timestamp: int) -> dict[str, str]:
    """Slack's v0 request signature headers for `body` sent at `timestamp`."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Signature": f"v0={digest}", "X-Slack-Request-Timestamp": str(timestamp)}


def _user(user_id: str, user_name: str | None) -> JSON:
    name = user_name or user_id
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _interactive(payload: JSON) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), FORM


def message_container(channel_id: str, message_ts: str, *, is_ephemeral: bool = False) -> JSON:
    return {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    }


def view_container(view_id: str) -> JSON:
    return {"type": "view", "view_id": view_id}


def button_action(action_id: str, value: str, *, block_id: str = "b") -> JSON:
    return {"action_id": action_id, "block_id": block_id, "value": value, "type": "button"}


def interaction(
    user_id: str,
    actions: list[JSON],
    *,
    container: JSON,
    trigger_id: str,
    user_name: str | None = None,
    channel: JSON | None = None,
    message: JSON | None = None,
    view: JSON | None = None,
    response_url: str | None = None,
    state_values: JSON | None = None,
) -> tuple[str, str]:
    """A block_actions payload for any element on any surface.

    On a message: `channel`, `message` (left out for ephemeral ones, as Slack does),
    `response_url` and `state`. In a modal or App Home: `view` (carrying its state) and
    neither response_url nor channel. Each action gets an `action_ts`.
    """
    action_ts = f"{time.time():.6f}"
    payload: JSON = {
        "type": "block_actions",
        "user": _user(user_id, user_name),
        "api_app_id": APP_ID,
        "token": "sandbox-verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": _TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if channel is not None:
        payload["channel"] = channel
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    else:
        payload["state"] = {"values": state_values or {}}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = [{**action, "action_ts": action_ts} for action in actions]
    return _interactive(payload)


def block_actions(
    user_id: str,
    action_id: str,
    value: str,
    *,
    channel_id: str,
    message_ts: str,
    response_url: str,
    trigger_id: str,
    message: JSON | None = None,
    block_id: str = "b",
    user_name: str | None = None,
) -> tuple[str, str]:
    """A button click on a message."""
    return interaction(
        user_id,
        [button_action(action_id, value, block_id=block_id)],
        container=message_container(channel_id, message_ts),
        trigger_id=trigger_id,
        user_name=user_name,
        channel={"id": channel_id, "name": channel_id},
        message=message or {"type": "message", "ts": message_ts, "text": ""},
        response_url=response_url,
    )


def view_submission(
    user_id: str,
    view: JSON,
    values: JSON,
    *,
    trigger_id: str = "",
    user_name: str | None = None,
) -> tuple[str, str]:
    """A modal submitted; `values` in `view.state.values` shape:
    `{block_id: {action_id: {"type": ..., "value" | "selected_option" | ...}}}`."""
    return _interactive(
        {
            "type": "view_submission",
            "team": _TEAM,
            "user": _user(user_id, user_name),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "trigger_id": trigger_id,
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
    )


def view_closed(
    user_id: str, view: JSON, *, user_name: str | None = None, is_cleared: bool = False
) -> tuple[str, str]:
    """A modal with `notify_on_close` closed by the user."""
    return _interactive(
        {
            "type": "view_closed",
            "team": _TEAM,
            "user": _user(user_id, user_name),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "view": view,
            "is_cleared": is_cleared,
            "enterprise": None,
            "is_enterprise_install": False,
        }
    )


def slash_command(
    user_id: str,
    text: str,
    *,
    command: str = "/handshake",
    response_url: str,
    trigger_id: str,
    channel_id: str,
    channel_name: str = "directmessage",
    user_name: str | None = None,
) -> tuple[str, str]:
    fields = {
        "token": "sandbox-verification-token",
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields), FORM


def event_callback(event: JSON, event_id: str, *, bot_user_id: str = "U0BOT") -> tuple[str, str]:
    """An Events API delivery wrapping `event`."""
    body: dict[str, Any] = {
        "token": "sandbox-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(body), JSON_TYPE
