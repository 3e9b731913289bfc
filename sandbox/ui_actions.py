"""What people do on the sandbox page, sent to the bot as signed Slack requests.

Each route takes a JSON body naming the person (`user`) and answers
`{"ok": true, "status": <the bot's HTTP status>, ...}`:

- `POST /_sandbox/ui/action` `{user, channel, ts | view_id, action_id, block_id?, value?,
  selected_option?, selected_date?, selected_date_time?, values?}`: block_actions on a
  message, an ephemeral, a modal or the App Home (`ts` may carry the view id too;
  `values`: a modal's inputs).
  A click on an element the bot replaced a moment ago (chat.update, views.update or
  publish, replace_original) is still delivered, as Slack's client does; see `models.Shown`.
- `POST /_sandbox/ui/submit` `{user, view_id, values}`: view_submission; also answers
  `response_action` and `errors` (kept on the view for the page too).
- `POST /_sandbox/ui/close` `{user, view_id}`: closes the modal (view_closed if asked for).
- `POST /_sandbox/ui/command` `{user, text, channel?}`: `/handshake <text>` ("/handshake"
  may lead the text) in `channel` (default: their DM with the bot).
- `POST /_sandbox/ui/home` `{user}`: the `app_home_opened` event.

Only the sandbox's own page may call them: the body must be `application/json` and the
request from the sandbox's origin (see `guard`; 415 / 403 otherwise).

Failures: 400 a bad body or unknown user, 404 nothing of theirs to act on, 409 no bot
connected (`Sandbox.connect_bot`), 502 the bot could not be reached or did not answer 2xx.
The bot is called from a worker thread: it calls back into this server while it answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox.interactions import Choice, view_surface
from sandbox.models import JSON, SlackError
from sandbox.peer import SlackPeer
from sandbox.state import SandboxState

COMMAND = "/handshake"
Work = Callable[[SlackPeer, str, JSON], tuple[httpx.Response | None, JSON]]


class Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


def _text(body: JSON, key: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise Refused(400, f"{key} must be a string")
    return value


def _epoch(body: JSON) -> int | None:
    value = body.get("selected_date_time")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(400, "selected_date_time must be epoch seconds")
    return value


def _values(body: JSON) -> JSON | None:
    values = body.get("values")
    if values is None:
        return None
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise Refused(400, "values must look like view.state.values")
    return values


def _answer_json(response: httpx.Response) -> JSON:
    try:
        answer: Any = response.json() if response.content.strip() else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def action_routes(state: SandboxState) -> list[BaseRoute]:
    def act(peer: SlackPeer, user: str, body: JSON) -> tuple[httpx.Response, JSON]:
        ts = _text(body, "ts", required=False)
        view_id = _text(body, "view_id", required=False)
        if not view_id and ts and not ts[0].isdigit():
            view_id, ts = ts, None
        choice = Choice(
            value=_text(body, "value", required=False),
            selected_option=body.get("selected_option"),
            selected_date=_text(body, "selected_date", required=False),
            selected_date_time=_epoch(body),
        )
        response = peer.act(
            user,
            str(_text(body, "action_id")),
            channel=_text(body, "channel", required=False),
            ts=ts,
            view_id=view_id,
            block_id=_text(body, "block_id", required=False) or None,
            choice=choice,
            values=_values(body),
        )
        return response, {}

    def submit(peer: SlackPeer, user: str, body: JSON) -> tuple[httpx.Response, JSON]:
        view_id = str(_text(body, "view_id"))
        with state.lock:
            view = view_surface(state, user, view_id).view
            if view is None or view.type != "modal":
                raise Refused(404, "view_not_found")
        response = peer.submit_view(user, view_id, _values(body) or {})
        answer = _answer_json(response)
        errors = answer.get("errors") if answer.get("response_action") == "errors" else None
        return response, {"response_action": answer.get("response_action"), "errors": errors}

    def close(peer: SlackPeer, user: str, body: JSON) -> tuple[httpx.Response | None, JSON]:
        return peer.close_view(user, str(_text(body, "view_id"))), {}

    def command(peer: SlackPeer, user: str, body: JSON) -> tuple[httpx.Response, JSON]:
        text = str(_text(body, "text", required=False) or "").strip()
        if text.startswith("/"):
            name, _, text = text.partition(" ")
            if name != COMMAND:
                raise Refused(400, f"{name} is not a command the sandbox knows")
        channel = _text(body, "channel", required=False)
        with state.lock:
            dm = state.dm_channel_id(user)  # made on first use, like Slack's
            target = state.resolve_channel(channel or dm)
            if not state.is_member(target, user):
                raise Refused(404, "channel_not_found")
        return peer.command(user, text.strip(), channel_id=target.id), {}

    def home(peer: SlackPeer, user: str, body: JSON) -> tuple[httpx.Response, JSON]:
        return peer.home_opened(user), {}

    return [
        Route(f"/_sandbox/ui/{name}", _endpoint(state, work), methods=["POST"])
        for name, work in (
            ("action", act),
            ("submit", submit),
            ("close", close),
            ("command", command),
            ("home", home),
        )
    ]


def _endpoint(state: SandboxState, work: Work) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        try:
            try:
                body = await request.json()
            except ValueError as exc:
                raise Refused(400, "the body must be a JSON object") from exc
            if not isinstance(body, dict):
                raise Refused(400, "the body must be a JSON object")
            user = str(_text(body, "user"))
            if user not in state.users or state.users[user].is_bot:
                raise Refused(400, f"no person {user} in the sandbox")
            if not state.bot_events_url or not state.signing_secret:
                raise Refused(409, "bot_not_connected")
            peer = SlackPeer(state, state.bot_events_url, state.signing_secret)
            response, extra = await run_in_threadpool(work, peer, user, body)
        except Refused as refused:
            return _failed(refused.status, refused.error)
        except SlackError as error:
            return _failed(404, error.code)
        except LookupError as error:  # InteractionError included
            return _failed(404, str(error.args[0]) if error.args else "not_found")
        except httpx.HTTPError as error:
            return _failed(502, "bot_unreachable", detail=f"{type(error).__name__}: {error}")
        if response is not None and not 200 <= response.status_code < 300:
            return _failed(502, "bot_error", status=response.status_code)
        status = response.status_code if response is not None else None
        return JSONResponse({"ok": True, "status": status, **extra})

    return endpoint


def _failed(http_status: int, error: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error, **extra}, status_code=http_status)
