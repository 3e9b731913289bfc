"""auth.test, users.* and conversations.* methods."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.message_store import Page, render
from sandbox.models import JSON, TEAM_DOMAIN, TEAM_ID, SlackError, User
from sandbox.params import as_bool, as_int
from sandbox.state import SandboxState


def auth_test(state: SandboxState, p: JSON) -> JSON:
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": "Handshake Sandbox",
        "user": state.bot_name,
        "team_id": TEAM_ID,
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "is_enterprise_install": False,
    }


def _user_json(state: SandboxState, user: User) -> JSON:
    """A user object in Slack's shape; `profile.email` only with users:read.email."""
    return user.to_slack(
        TEAM_ID, tz_offset(state, user), with_email="users:read.email" in state.scopes
    )


def tz_offset(state: SandboxState, user: User) -> int:
    """The user's offset from UTC now, in seconds, as Slack gives it."""
    try:
        zone = ZoneInfo(user.tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    offset = datetime.fromtimestamp(state.now(), UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _need_scope(state: SandboxState, scope: str) -> None:
    if scope not in state.scopes:
        raise SlackError("missing_scope", needed=scope, provided=",".join(state.scopes))


def users_info(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        _need_scope(state, "users:read")
        user = state.users.get(str(p.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": _user_json(state, user)}


def users_lookup_by_email(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        _need_scope(state, "users:read.email")
        wanted = str(p.get("email") or "").strip().casefold()
        if not wanted:
            raise SlackError("invalid_arguments")
        for user in state.users.values():
            if user.email and user.email.casefold() == wanted and not user.is_bot:
                return {"user": _user_json(state, user)}
        raise SlackError("users_not_found")


def users_list(state: SandboxState, p: JSON) -> JSON:
    """Every user, bots and deactivated ones included, a page at a time (`cursor`)."""
    with state.lock:
        _need_scope(state, "users:read")
        users = list(state.users.values())
        limit = as_int(p.get("limit"), 0) or len(users) or 1
        cursor = str(p.get("cursor") or "")
        try:
            start = int(cursor.removeprefix("users:")) if cursor else 0
        except ValueError:
            raise SlackError("invalid_cursor") from None
        page = users[start : start + limit]
        after = start + limit
        return {
            "members": [_user_json(state, u) for u in page],
            "cache_ts": int(state.now()),
            "response_metadata": {"next_cursor": f"users:{after}" if after < len(users) else ""},
        }


def conversations_open(state: SandboxState, p: JSON) -> JSON:
    users = [u for u in str(p.get("users") or "").split(",") if u]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 1:
        raise SlackError("not_supported", detail="the sandbox plays 1:1 DMs only")
    with state.lock:
        dm_id = state.dm_channel_id(users[0])
        return {"channel": {"id": dm_id, "is_im": True, "user": users[0]}}


def _page_body(page: Page, *, include_metadata: bool) -> JSON:
    return {
        "messages": render(page.messages, include_metadata=include_metadata),
        "has_more": page.has_more,
        "response_metadata": {"next_cursor": page.next_cursor},
    }


def conversations_history(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        channel = state.resolve_channel(p.get("channel"))
        if not channel.is_im and not channel.bot_is_member:
            raise SlackError("not_in_channel")
        page = state.message_store.history(
            channel.id,
            latest=p.get("latest") or None,
            oldest=p.get("oldest") or None,
            inclusive=as_bool(p.get("inclusive")),
            limit=as_int(p.get("limit"), 100),
            cursor=p.get("cursor") or None,
        )
        return _page_body(page, include_metadata=as_bool(p.get("include_all_metadata")))


def conversations_replies(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        channel = state.resolve_channel(p.get("channel"))
        page = state.message_store.replies(
            channel.id,
            str(p.get("ts") or ""),
            limit=as_int(p.get("limit"), 1000),
            cursor=p.get("cursor") or None,
        )
        return _page_body(page, include_metadata=as_bool(p.get("include_all_metadata")))


METHODS = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "users.list": users_list,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
