"""Finding a message we may already have posted, by its metadata, before posting again.

Every post the outbox makes carries a tag that is unique to its row (cards: the hand-off
id and which card; everything else: the outbox row's id). A top-level message is looked
for in `conversations.history`; a thread reply is not there (history lists thread parents
only), so it is looked for in `conversations.replies` on the parent's ts.

Ephemeral answers (a click's `response_url`) cannot be looked up this way: Slack keeps no
history of them. They are not outbox rows: each is sent once, inside the click's request,
and never retried by us, so there is nothing to deduplicate.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bot.delivery.protocol import Delivery
from storage.models import Outbox

PAGES = 10  # at most 2,000 messages looked at: the row's own time window is far smaller
SLACK_CLOCK_SLACK = 60  # seconds before the row was created that a post may carry as its ts


def tag_matches(message: dict[str, Any], tag: dict[str, Any]) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return meta.get("event_type") == tag["event_type"] and all(
        payload.get(k) == v for k, v in tag["payload"].items()
    )


def find_posted(
    worker: Delivery,
    channel: str,
    row: Outbox,
    tag: dict[str, Any],
    *,
    thread_ts: str | None = None,
) -> tuple[str, str] | None:
    """(channel, ts) of the message tagged `tag`, if Slack has it."""
    if channel.startswith(("U", "W")):
        opened = worker.call("conversations_open", maybe_sent_on_error=False, users=channel)
        channel = opened["channel"]["id"]
    oldest = f"{row.created_at.replace(tzinfo=UTC).timestamp() - SLACK_CLOCK_SLACK:.6f}"
    method, where = (
        ("conversations_replies", {"ts": thread_ts}) if thread_ts else ("conversations_history", {})
    )
    cursor = None
    for _ in range(PAGES):
        page = worker.call(
            method,
            maybe_sent_on_error=True,
            channel=channel,
            oldest=oldest,
            limit=200,
            include_all_metadata=True,
            cursor=cursor,
            **where,
        )
        for message in page.get("messages", []):
            if tag_matches(message, tag) and not (thread_ts and message.get("ts") == thread_ts):
                return channel, message["ts"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
    return None
