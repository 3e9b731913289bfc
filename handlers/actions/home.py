"""Controls on App Home: a rep's own settings (away until a date, back, daily cap) and an
admin's Retry of a failing destination. Each is answered by re-publishing the Home with a
line saying what happened (or what was wrong)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services import home
from bot.services.retry import retry_destination
from bot.views.home import Notice, notice_for
from bot.views.home_failing import retried_text
from handlers.events.app_home import publish_home


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def away_picked(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    user_id = body["user"]["id"]
    picked = _action(body).get("selected_date")
    notice = notice_for(home.change_away(user_id, picked, runtime=runtime))
    publish_home(client, user_id, runtime, notice)


def back(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    user_id = body["user"]["id"]
    publish_home(client, user_id, runtime, notice_for(home.back(user_id, runtime=runtime)))


def capacity_picked(ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime) -> None:
    ack()
    user_id = body["user"]["id"]
    picked = (_action(body).get("selected_option") or {}).get("value")
    notice = notice_for(home.change_capacity(user_id, picked, runtime=runtime))
    publish_home(client, user_id, runtime, notice)


def retry_destination_clicked(
    ack: Ack, body: dict[str, Any], client: WebClient, runtime: Runtime
) -> None:
    ack()
    user_id = body["user"]["id"]
    retried = retry_destination(user_id, _action(body).get("value"), runtime=runtime)
    text, error = retried_text(retried)
    publish_home(client, user_id, runtime, Notice(text, error=error))
