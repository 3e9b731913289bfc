"""`SlackPeer`: plays Slack's side towards the bot, posting signed requests over HTTP."""

from __future__ import annotations

import itertools
import secrets
import time
from typing import Any

import httpx

from bot.sandbox import payloads
from bot.sandbox.models import JSON, Message
from bot.sandbox.state import SandboxState


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
            self._apply_submission_answer(user_id, view_id, values, response)
        return response

    def command(
        self, user_id: str, text: str, *, channel_id: str | None = None, command: str = "/handshake"
    ) -> httpx.Response:
        """`user_id` types `/handshake text` (in their DM with the bot unless told)."""
        channel = channel_id or self.state.dm_channel_id(user_id)
        body, content_type = payloads.slash_command(
            user_id,
            text,
            command=command,
            response_url=self.state.issue_response_url(user_id, channel),
            trigger_id=self.state.issue_trigger_id(user_id),
            channel_id=channel,
            user_name=self._name(user_id),
        )
        return self.post(body, content_type)

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

    def _apply_submission_answer(
        self, user_id: str, view_id: str, values: JSON, response: httpx.Response
    ) -> None:
        answer: dict[str, Any] = {}
        if response.content.strip():
            try:
                answer = response.json()
            except ValueError:
                answer = {}
        action = answer.get("response_action") if isinstance(answer, dict) else None
        store = self.state.view_store
        with self.state.lock:
            if action == "errors":
                found = store.find(view_id=view_id)
                if found is not None:
                    found.state_values = values
            elif action == "update":
                store.update(answer["view"], view_id=view_id)
            elif action == "push":
                store.push(user_id, answer["view"])
            elif action == "clear":
                store.stacks.pop(user_id, None)
            else:
                store.close(view_id)


def _block_id_of(message: Message | None, action_id: str) -> str:
    for block in message.blocks if message else []:
        elements = block.get("elements") or [block.get("accessory") or {}]
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            return str(block.get("block_id", "b"))
    return "b"
