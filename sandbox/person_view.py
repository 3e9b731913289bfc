"""What one person sees (`GET /_sandbox/state?as=<user_id>`): the page renders this.

Public channels and their own DM with the bot, their ephemerals merged into the
conversation they were posted to, the top of their modal stack (with the errors the bot
returned), their App Home, and the faults panel's data. Apart, under `peek`: the bot's DMs
with other people, a sandbox-only window (Slack would never show them) so that anyone can
try the buttons on someone else's card and see the bot refuse the click.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from sandbox.message_store import ts_key
from sandbox.models import JSON, Channel, User, View

if TYPE_CHECKING:
    from sandbox.state import SandboxState

RECENT_CALLS = 25


def person_view(state: SandboxState, user_id: str) -> JSON:
    """Raises `LookupError` for an unknown user."""
    with state.lock:
        me = state.users.get(user_id)
        if me is None:
            raise LookupError(f"no user {user_id}")
        dm_id = "D" + user_id[1:]  # what `dm_channel_id` would make, without creating it
        dm = state.channels.get(dm_id) or Channel(id=dm_id, name=user_id, is_im=True, user=user_id)
        stack = state.view_store.open_modals(user_id)
        home = state.view_store.homes.get(user_id)
        return {
            "version": state.version,
            "me": _user(me),
            "bot": {"user_id": state.bot_user_id, "name": state.users[state.bot_user_id].real_name},
            "bot_connected": state.bot_events_url is not None,
            "users": [_user(u) for u in state.users.values()],
            "channels": [
                _conversation(state, c, user_id)
                for c in state.channels.values()
                if not c.is_im and state.is_member(c, user_id)
            ],
            "dm": _conversation(state, dm, user_id),
            "peek": [
                {**_conversation(state, c, user_id), "owner": c.user}
                for c in state.channels.values()
                if c.is_im
                and c.user != user_id
                and c.user in state.users
                and state.message_store.channels.get(c.id)
            ],
            "modal": _modal(stack[-1], depth=len(stack)) if stack else None,
            "home": home.to_slack() if home else None,
            "faults": _faults(state),
            "calls": _recent_calls(state),
        }


def _user(user: User) -> JSON:
    return {
        "id": user.id,
        "name": user.name,
        "real_name": user.real_name,
        "title": user.title,
        "tz": user.tz,
        "is_bot": user.is_bot,
    }


def _conversation(state: SandboxState, channel: Channel, user_id: str) -> JSON:
    """Top-level messages with their thread replies, and this person's ephemerals."""
    messages = state.message_store.channels.get(channel.id, [])
    replies: dict[str, list[JSON]] = {}
    for message in messages:
        if message.thread_ts and message.thread_ts != message.ts:
            reply = {**message.to_slack(), "channel": channel.id}
            replies.setdefault(message.thread_ts, []).append(reply)
    shown: list[JSON] = [
        {**m.to_slack(), "channel": channel.id, "replies": replies.get(m.ts, [])}
        for m in messages
        if m.thread_ts in (None, m.ts)
    ]
    shown += [
        {
            "type": "message",
            "ts": e.ts,
            "user": state.bot_user_id,
            "bot_id": state.bot_id,
            "text": e.text,
            "blocks": e.blocks,
            "channel": channel.id,
            "ephemeral": True,
        }
        for e in state.message_store.ephemerals
        if e.channel == channel.id and e.user == user_id
    ]
    shown.sort(key=lambda m: ts_key(m["ts"]))
    return {"id": channel.id, "name": channel.name, "is_im": channel.is_im, "messages": shown}


def _modal(view_top: View, *, depth: int) -> JSON:
    return {**view_top.to_slack(), "errors": dict(view_top.errors), "depth": depth}


def _faults(state: SandboxState) -> JSON:
    limiter = state.limiter
    return {
        "pending": [asdict(f) for f in state.faults.pending()],
        "rate_limit": {
            "enabled": limiter.enabled,
            "per_second": limiter.per_second,
            "burst": limiter.burst,
        },
    }


def _recent_calls(state: SandboxState) -> list[JSON]:
    calls = state.call_log.calls()[-RECENT_CALLS:]
    return [
        {"method": c.method, "status": c.status, "ok": c.ok, "at": c.at}
        | ({"error": c.response["error"]} if "error" in c.response else {})
        for c in reversed(calls)
    ]
