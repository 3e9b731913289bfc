"""`SlackPeer`: plays Slack's side towards the bot, posting signed requests over HTTP."""

from __future__ import annotations

import itertools
import secrets
import time

import httpx

from sandbox import api_chat, api_conversations, payloads
from sandbox.interactions import (
    Choice,
    action_object,
    find_shown_element,
    find_surface,
    view_surface,
)
from sandbox.models import JSON, Message, SlackError
from sandbox.state import SandboxState


class SlackPeer:
    """Clicks, modal submissions, slash commands and events, as Slack would send them to
    `bot_events_url` (the bot's `/slack/events`), with trigger_ids and response_urls
    issued from `state` so that the bot's answers land in the sandbox."""

    def __init__(
        self,
        state: SandboxState,
        bot_events_url: str,
        signing_secret: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.bot_events_url = bot_events_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._event_seq = itertools.count(1)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> httpx.Response:
        """POST a body to the bot, signed now; retry headers when `retry_num` is given."""
        headers = {"Content-Type": content_type}
        headers.update(payloads.sign(self.signing_secret, body, int(time.time())))
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return httpx.post(self.bot_events_url, content=body, headers=headers, timeout=self.timeout)

    def resend(self, response: httpx.Response, retry_num: int = 1) -> httpx.Response:
        """Deliver the request behind `response` again, as Slack's retries do."""
        request = response.request
        return self.post(
            request.content.decode(),
            request.headers["Content-Type"],
            retry_num=retry_num,
        )

    def click(
        self,
        user_id: str,
        action_id: str,
        value: str,
        *,
        message_channel: str,
        message_ts: str,
        retry_num: int | None = None,
    ) -> httpx.Response:
        """`user_id` clicks the button `action_id` on the message at (channel, ts)."""
        with self.state.lock:
            channel = self.state.resolve_channel(message_channel).id
            message = self.state.message_store.find(channel, message_ts)
            trigger_id = self.state.issue_trigger_id(user_id)
            response_url = self.state.issue_response_url(user_id, channel, message_ts)
            user_name = self._name(user_id)
        body, content_type = payloads.block_actions(
            user_id,
            action_id,
            value,
            channel_id=channel,
            message_ts=message_ts,
            response_url=response_url,
            trigger_id=trigger_id,
            message=message.to_slack() if message else None,
            block_id=_block_id_of(message, action_id),
            user_name=user_name,
        )
        return self.post(body, content_type, retry_num=retry_num)

    def act(
        self,
        user_id: str,
        action_id: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
        block_id: str | None = None,
        choice: Choice | None = None,
        values: JSON | None = None,
    ) -> httpx.Response:
        """`user_id` uses the element `action_id` (a button, select, date picker, radio
        buttons, overflow) on the message at (channel, ts), one of their ephemerals, or in
        their open modal or App Home `view_id` (where `values` is the modal's current state).
        Raises `InteractionError` when there is no such element for this person."""
        with self.state.lock:
            surface = find_surface(self.state, user_id, channel, ts, view_id)
            found_block, element = find_shown_element(surface, action_id, block_id)
            action = action_object(element, found_block, choice or Choice())
            view = None
            if surface.view is not None:
                if values is not None:
                    stored = self.state.view_store.find(view_id=surface.view.id)
                    if stored is not None:
                        stored.state_values = surface.view.state_values = values
                view = surface.view.to_slack()
            trigger_id = self.state.issue_trigger_id(user_id)
        body, content_type = payloads.interaction(
            user_id,
            [action],
            container=surface.container,
            trigger_id=trigger_id,
            user_name=self._name(user_id),
            channel=surface.channel,
            message=surface.message,
            view=view,
            response_url=surface.response_url,
        )
        return self.post(body, content_type)

    def submit_view(self, user_id: str, view_id: str, values: JSON) -> httpx.Response:
        """`user_id` submits the open modal `view_id`; the bot's answer (close, errors,
        update, push, clear) is applied to the sandbox's modal stack."""
        view = self.state.view(view_id)
        if view is None:
            raise LookupError(f"no view {view_id} in the sandbox")
        trigger_id = self.state.issue_trigger_id(user_id)
        body, content_type = payloads.view_submission(
            user_id, view.to_slack(), values, trigger_id=trigger_id, user_name=self._name(user_id)
        )
        response = self.post(body, content_type)
        if response.status_code == 200:
            answer = _json_object(response)
            with self.state.lock:
                self.state.view_store.apply_submission_answer(user_id, view_id, values, answer)
            self.state.touch()
        return response

    def close_view(self, user_id: str, view_id: str) -> httpx.Response | None:
        """`user_id` closes their open modal `view_id` (and any pushed on top); Slack tells
        the app with `view_closed` only when the view asked for `notify_on_close`."""
        with self.state.lock:
            view = view_surface(self.state, user_id, view_id).view
            self.state.view_store.close(view_id)
        self.state.touch()
        if view is None or not view.payload.get("notify_on_close"):
            return None
        body, content_type = payloads.view_closed(
            user_id, view.to_slack(), user_name=self._name(user_id)
        )
        return self.post(body, content_type)

    def command(
        self, user_id: str, text: str, *, channel_id: str | None = None, command: str = "/handshake"
    ) -> httpx.Response:
        """`user_id` types `/handshake text` (in their DM with the bot unless told). A
        non-empty acknowledgement is shown as Slack does: ephemeral unless `in_channel`."""
        with self.state.lock:
            channel = self.state.resolve_channel(channel_id or user_id)
            response_url = self.state.issue_response_url(user_id, channel.id)
            trigger_id = self.state.issue_trigger_id(user_id)
        body, content_type = payloads.slash_command(
            user_id,
            text,
            command=command,
            response_url=response_url,
            trigger_id=trigger_id,
            channel_id=channel.id,
            channel_name="directmessage" if channel.is_im else channel.name,
            user_name=self._name(user_id),
        )
        response = self.post(body, content_type)
        if response.status_code == 200 and response.content.strip():
            self._show_acknowledgement(response, response_url)
        return response

    def _show_acknowledgement(self, response: httpx.Response, response_url: str) -> None:
        answer = _json_object(response) or {"text": response.text}
        token = response_url.rsplit("/", 1)[-1]
        try:
            api_chat.respond(self.state, token, answer)
        except SlackError:
            return  # Slack shows nothing it cannot render
        self.state.touch()

    def set_status(
        self, user_id: str, emoji: str = "", text: str = "", *, expiration: int = 0
    ) -> httpx.Response:
        """`user_id` sets (or, all empty, clears) their Slack status: the profile changes and
        the bot gets `user_change` with the whole user object, as Slack sends it."""
        with self.state.lock:
            user = self.state.users[user_id]
            user.status_emoji, user.status_text = emoji, text
            user.status_expiration = expiration
        return self.user_changed(user_id)

    def user_changed(self, user_id: str) -> httpx.Response:
        """The bot gets `user_change` with `user_id`'s whole user object as it is now (after
        a status change, or `state.set_deleted`), as Slack sends it."""
        info = api_conversations.users_info(self.state, {"user": user_id})
        self.state.touch()
        event: JSON = {
            "type": "user_change",
            "user": info["user"],
            "cache_ts": int(time.time()),
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event)

    def home_opened(self, user_id: str) -> httpx.Response:
        """`user_id` opens the bot's App Home tab (`app_home_opened`, with the view shown)."""
        with self.state.lock:
            event: JSON = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": self.state.dm_channel_id(user_id),
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            }
            home = self.state.view_store.homes.get(user_id)
            if home is not None:
                event["view"] = home.to_slack()
        return self.event(event)

    def event(
        self, event: JSON, *, event_id: str | None = None, retry_num: int | None = None
    ) -> httpx.Response:
        event_id = event_id or f"Ev0SBX{next(self._event_seq):05d}{secrets.token_hex(2)}"
        body, content_type = payloads.event_callback(
            event, event_id, bot_user_id=self.state.bot_user_id
        )
        return self.post(body, content_type, retry_num=retry_num)

    def _name(self, user_id: str) -> str:
        with self.state.lock:
            user = self.state.users.get(user_id)
            return user.name if user else user_id


def _json_object(response: httpx.Response) -> JSON:
    """The response body as a JSON object, else {}."""
    if not response.content.strip():
        return {}
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _block_id_of(message: Message | None, action_id: str) -> str:
    for block in message.blocks if message else []:
        elements = block.get("elements") or [block.get("accessory") or {}]
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            return str(block.get("block_id", "b"))
    return "b"
