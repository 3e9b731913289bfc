"""auth.test, users.info and conversations.* methods."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.message_store import Page, render
from sandbox.models import JSON, TEAM_DOMAIN, TEAM_ID, SlackError
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


def users_info(state: SandboxState, p: JSON) -> JSON:
    with state.lock:
        user = state.users.get(str(p.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        try:
            zone = ZoneInfo(user.tz)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        offset = datetime.fromtimestamp(state.now(), UTC).astimezone(zone).utcoffset()
        return {
            "user": {
                "id": user.id,
                "team_id": TEAM_ID,
                "name": user.name,
                "real_name": user.real_name,
                "tz": user.tz,
                "tz_offset": int(offset.total_seconds()) if offset else 0,
                "is_bot": user.is_bot,
                "deleted": user.deleted,
                "profile": {"real_name": user.real_name, "display_name": user.name},
            }
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
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
