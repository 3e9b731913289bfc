"""A rep's dial on App Home: the weight menu and the dial's last day. Each is answered by
re-publishing the Home with a line saying what happened (or what was wrong)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services import dials
from bot.views.dials import dial_text
from bot.views.home import Notice
from handlers.events.app_home import publish_home


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def weight_picked(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    user_id = body["user"]["id"]
    picked = (_action(body).get("selected_option") or {}).get("value")
    _answer(client, user_id, runtime, dials.dial_from_home(user_id, picked, runtime=runtime))


def until_picked(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    user_id = body["user"]["id"]
    picked = _action(body).get("selected_date")
    _answer(client, user_id, runtime, dials.dial_until_from_home(user_id, picked, runtime=runtime))


def _answer(client: WebClient, user_id: str, runtime: Runtime, result: dials.DialResult) -> None:
    notice = Notice(dial_text(result), error=result.outcome == dials.REFUSED)
    publish_home(client, user_id, runtime, notice)
