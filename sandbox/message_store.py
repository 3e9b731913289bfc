"""Messages and ephemeral messages per channel, with Slack-like `ts` values and paging.

Does not lock: `SandboxState` calls it under its one lock.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.models import JSON, Ephemeral, Message, SlackError


@dataclass
class Page:
    messages: list[Message]
    has_more: bool
    next_cursor: str


def ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros.ljust(6, "0")[:6] or 0)


class MessageStore:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._last_micros = 0
        self.channels: dict[str, list[Message]] = {}
        self.ephemerals: list[Ephemeral] = []

    def next_ts(self) -> str:
        """A unique, increasing "seconds.micros" stamp near the clock's time."""
        micros = max(int(self._now() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def add(self, message: Message) -> Message:
        if message.thread_ts:
            parent = self.find(message.channel, message.thread_ts)
            if parent is None:
                raise SlackError("thread_not_found")
            parent.thread_ts = parent.ts
            parent.reply_count += 1
        self.channels.setdefault(message.channel, []).append(message)
        return message

    def find(self, channel: str, ts: str) -> Message | None:
        return next((m for m in self.channels.get(channel, []) if m.ts == ts), None)

    def remove(self, channel: str, ts: str) -> bool:
        found = self.find(channel, ts)
        if found is not None:
            self.channels[channel].remove(found)
        return found is not None

    def history(
        self,
        channel: str,
        *,
        latest: str | None = None,
        oldest: str | None = None,
        inclusive: bool = False,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        """Top-level messages (and thread parents), newest first."""
        top = [m for m in self.channels.get(channel, []) if m.thread_ts in (None, m.ts)]
        newest_first = sorted(top, key=lambda m: ts_key(m.ts), reverse=True)
        return _page(_window(newest_first, latest, oldest, inclusive), limit, cursor)

    def replies(
        self, channel: str, ts: str, *, limit: int = 1000, cursor: str | None = None
    ) -> Page:
        """A thread: the parent first, then its replies, oldest first."""
        parent = self.find(channel, ts)
        if parent is None:
            raise SlackError("thread_not_found")
        thread = [m for m in self.channels[channel] if m.ts == ts or m.thread_ts == ts]
        return _page(sorted(thread, key=lambda m: ts_key(m.ts)), limit, cursor)


def _window(
    messages: list[Message], latest: str | None, oldest: str | None, inclusive: bool
) -> list[Message]:
    def keep(message: Message) -> bool:
        key = ts_key(message.ts)
        if latest and (key > ts_key(latest) or (key == ts_key(latest) and not inclusive)):
            return False
        return not (oldest and (key < ts_key(oldest) or (key == ts_key(oldest) and not inclusive)))

    return [m for m in messages if keep(m)]


def _page(messages: list[Message], limit: int, cursor: str | None) -> Page:
    start = _decode_cursor(cursor)
    limit = max(1, min(limit, 999))
    chunk = messages[start : start + limit]
    has_more = start + limit < len(messages)
    next_cursor = _encode_cursor(start + limit) if has_more else ""
    return Page(messages=chunk, has_more=has_more, next_cursor=next_cursor)


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset":
            return int(value)
    except ValueError:
        pass
    raise SlackError("invalid_cursor")


def render(messages: list[Message], *, include_metadata: bool) -> list[JSON]:
    return [m.to_slack(include_metadata=include_metadata) for m in messages]
