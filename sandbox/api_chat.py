"""chat.* methods and the response_url endpoint's behaviour."""

from __future__ import annotations

import math
from typing import Any

from sandbox.blockkit import check_message
from sandbox.models import JSON, TEAM_DOMAIN, Channel, Ephemeral, Message, SlackError
from sandbox.params import as_bool
from sandbox.state import SandboxState
from sandbox.tokens import ResponseTarget


def _file_ok(state: SandboxState, file_id: str) -> bool:
    with state.lock:
        return state.file_store.usable(file_id)


def _require_valid(state: SandboxState, text: Any, blocks: Any) -> None:
    problems = check_message(text, blocks, file_ok=lambda file_id: _file_ok(state, file_id))
    if problems:
        raise SlackError(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )
    if not text and not blocks:
        raise SlackError("no_text")


def _metadata(value: Any) -> JSON | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not isinstance(value.get("event_payload", {}), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": value.get("event_payload", {})}


def _postable(state: SandboxState, channel_arg: Any) -> Channel:
    channel = state.resolve_channel(channel_arg)
    if not channel.is_im and not channel.bot_is_member:
        raise SlackError("not_in_channel")
    return channel


def _bot_message(
    state: SandboxState, channel: str, p: JSON, *, thread_ts: str | None = None
) -> Message:
    return state.message_store.add(
        Message(
            channel=channel,
            ts=state.message_store.next_ts(),
            text=p.get("text") or "",
            user=state.bot_user_id,
            blocks=p.get("blocks") or [],
            metadata=_metadata(p.get("metadata")),
            thread_ts=thread_ts or p.get("thread_ts") or None,
            bot_id=state.bot_id,
        )
    )


def post_message(state: SandboxState, p: JSON) -> JSON:
    _require_valid(state, p.get("text"), p.get("blocks"))
    with state.lock:
        channel = _postable(state, p.get("channel"))
        wait = state.limiter.take(channel.id)
        if wait is not None:
            retry_after = str(max(1, math.ceil(wait)))
            raise SlackError("ratelimited", status=429, headers={"Retry-After": retry_after})
        message = _bot_message(state, channel.id, p)
        return {"channel": channel.id, "ts": message.ts, "message": message.to_slack()}


def _own_message(state: SandboxState, p: JSON, ts_key: str = "ts") -> Message:
    channel = state.resolve_channel(p.get("channel"))
    message = state.message_store.find(channel.id, str(p.get(ts_key) or ""))
    if message is None:
        raise SlackError("message_not_found")
    return message


def update(state: SandboxState, p: JSON) -> JSON:
    _require_valid(state, p.get("text"), p.get("blocks"))
    with state.lock:
        message = _own_message(state, p)
        if message.user != state.bot_user_id:
            raise SlackError("cant_update_message")
        _edit(state, message, p)
        return {
            "channel": message.channel,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_slack(),
        }


def _edit(state: SandboxState, message: Message, p: JSON) -> None:
    """Replace what the arguments carry; blocks left out are kept, as on Slack."""
    if "text" in p:
        message.text = p.get("text") or ""
    if "blocks" in p:
        message.replace_blocks(p.get("blocks") or [])
    if "metadata" in p:
        message.metadata = _metadata(p["metadata"])
    message.edited = {"user": state.bot_user_id, "ts": state.message_store.next_ts()}


def delete(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        message = _own_message(state, p)
        if message.user != state.bot_user_id:
            raise SlackError("cant_delete_message")
        state.message_store.remove(message.channel, message.ts)
        return {"channel": message.channel, "ts": message.ts}


def post_ephemeral(state: SandboxState, p: JSON) -> JSON:
    _require_valid(state, p.get("text"), p.get("blocks"))
    with state.lock:
        channel = _postable(state, p.get("channel"))
        user = str(p.get("user") or "")
        if user not in state.users:
            raise SlackError("user_not_found")
        if not state.is_member(channel, user):
            raise SlackError("user_not_in_channel")
        ephemeral = _store_ephemeral(state, channel.id, user, p, via="chat.postEphemeral")
        return {"message_ts": ephemeral.ts}


def _store_ephemeral(
    state: SandboxState, channel: str, user: str, p: JSON, *, via: str
) -> Ephemeral:
    ephemeral = Ephemeral(
        channel=channel,
        user=user,
        ts=state.message_store.next_ts(),
        text=p.get("text") or "",
        blocks=p.get("blocks") or [],
        via=via,
    )
    state.message_store.ephemerals.append(ephemeral)
    return ephemeral


def get_permalink(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        message = _own_message(state, p, ts_key="message_ts")
        path = f"archives/{message.channel}/p{message.ts.replace('.', '')}"
        return {"channel": message.channel, "permalink": f"https://{TEAM_DOMAIN}.slack.com/{path}"}


def respond(state: SandboxState, token: str, p: JSON) -> JSON:
    """A POST to a response_url: ephemeral to the user by default, `in_channel` posts to the
    channel, `replace_original` / `delete_original` act on the message that was clicked."""
    with state.lock:
        target = state.response_urls.target(token)
        if target.ephemeral:
            return _respond_to_ephemeral(state, target, p)
        original = (
            state.message_store.find(target.channel, target.message_ts)
            if target.message_ts
            else None
        )
        if as_bool(p.get("delete_original")):
            if original is not None:
                state.message_store.remove(original.channel, original.ts)
            return {}
        _require_valid(state, p.get("text"), p.get("blocks"))
        if as_bool(p.get("replace_original")) and original is not None:
            _edit(state, original, {k: v for k, v in p.items() if k in ("text", "blocks")})
        elif p.get("response_type") == "in_channel":
            _bot_message(state, target.channel, p, thread_ts=p.get("thread_ts"))
        else:
            _store_ephemeral(state, target.channel, target.user, p, via="response_url")
        return {}


def _respond_to_ephemeral(state: SandboxState, target: ResponseTarget, p: JSON) -> JSON:
    """A response_url from a click on an ephemeral message: `replace_original` and
    `delete_original` act on that ephemeral; anything else posts as for a message."""
    ephemerals = state.message_store.ephemerals
    original = next(
        (
            e
            for e in ephemerals
            if (e.channel, e.user, e.ts) == (target.channel, target.user, target.message_ts)
        ),
        None,
    )
    if as_bool(p.get("delete_original")):
        if original is not None:
            ephemerals.remove(original)
        return {}
    _require_valid(state, p.get("text"), p.get("blocks"))
    if as_bool(p.get("replace_original")) and original is not None:
        original.text = p.get("text") or ""
        original.replace_blocks(p.get("blocks") or [])
    elif p.get("response_type") == "in_channel":
        _bot_message(state, target.channel, p, thread_ts=p.get("thread_ts"))
    else:
        _store_ephemeral(state, target.channel, target.user, p, via="response_url")
    return {}


METHODS = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
