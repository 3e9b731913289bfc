"""`SandboxState`: the in-memory Slack workspace behind the stand-in Web API."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import asdict

from sandbox.calls import Call, CallLog
from sandbox.changes import ChangeCounter
from sandbox.faults import Fault, FaultBook, RateLimiter
from sandbox.file_store import FileStore, StoredFile
from sandbox.message_store import MessageStore
from sandbox.models import JSON, Channel, Ephemeral, Message, SlackError, User, View
from sandbox.outside import OutsideBook
from sandbox.tokens import ResponseTarget, ResponseUrlBook, TriggerBook
from sandbox.view_store import ViewStore

BOT_SCOPES = (
    "chat:write", "commands", "im:write", "im:history", "channels:history",
    "groups:history", "users:read", "users:read.email", "files:write",
)  # fmt: skip


class SandboxState:
    """Users, channels, messages, views, files, faults and a log of every Web API call.

    One re-entrant `lock` guards everything; the stores it holds do not lock on their
    own, so code that reads and writes several of them takes `state.lock` once.

    `version` goes up on every change (each Web API call, response_url post, fault, user,
    channel, modal answer); code that changes the stores directly calls `touch()`.
    `bot_events_url` and `signing_secret` say where the page's clicks go (`connect_bot`).
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "handshake",
        now: Callable[[], float] = time.time,
        base_url: str = "http://sandbox.invalid",
    ) -> None:
        self.lock = threading.RLock()
        self.now = now
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.base_url = base_url  # set to the server's URL once it listens
        self.bot_events_url: str | None = None
        self.signing_secret: str | None = None
        # Sandbox only: people may click buttons in the bot's DMs with others (the page's
        # "look over a shoulder" section), so the bot's "only the owner…" check can be seen.
        self.allow_peek = True
        self.changes = ChangeCounter()
        self.outside = OutsideBook()  # systems outside Slack shown on the page (`outside`)
        self.reset()

    def reset(self) -> None:
        """Back to an empty workspace holding only the bot user."""
        with self.lock:
            self.users: dict[str, User] = {}
            self.channels: dict[str, Channel] = {}
            self.message_store = MessageStore(self._clock)
            self.view_store = ViewStore(self._clock)
            self.file_store = FileStore(self._clock)
            self.triggers = TriggerBook(self._clock)
            self.response_urls = ResponseUrlBook()
            self.faults = FaultBook()
            self.limiter = RateLimiter(self._clock)
            # The bot token's scopes, sent back in each answer's `x-oauth-scopes` header.
            self.scopes: list[str] = list(BOT_SCOPES)
            self.latency = 0.0  # seconds each Web API call takes, as Slack's do (~0.15)
            self.call_log = CallLog(self.lock, self._clock)
            self.add_user(self.bot_user_id, self.bot_name, "Handshake", is_bot=True)
        self.touch()

    @property
    def version(self) -> int:
        return self.changes.value

    def touch(self) -> None:
        """Note a change, waking the page's event stream."""
        self.changes.bump()

    def connect_bot(self, bot_events_url: str, signing_secret: str) -> None:
        """Send the page's interactions to the bot's `/slack/events`, signed with the secret."""
        with self.lock:
            self.bot_events_url = bot_events_url
            self.signing_secret = signing_secret
        self.touch()

    def _clock(self) -> float:
        """`now` looked up on every call, so assigning `state.now` later takes effect."""
        return self.now()

    # -- workspace ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        is_bot: bool = False,
        *,
        title: str = "",
        email: str = "",
    ) -> User:
        user = User(
            id=user_id,
            name=name,
            real_name=real_name or name,
            tz=tz,
            is_bot=is_bot,
            title=title,
            email=email,
        )
        with self.lock:
            self.users[user_id] = user
        self.touch()
        return user

    def set_deleted(self, user_id: str, deleted: bool = True) -> None:
        """Deactivate (or reactivate) an account, as a Slack admin does."""
        with self.lock:
            self.users[user_id].deleted = deleted
        self.touch()

    def add_channel(self, channel_id: str, name: str, *, bot_is_member: bool = True) -> Channel:
        channel = Channel(id=channel_id, name=name, bot_is_member=bot_is_member)
        with self.lock:
            self.channels[channel_id] = channel
        self.touch()
        return channel

    def dm_channel_id(self, user_id: str) -> str:
        """The bot's DM with `user_id` (stable: `D` + the user id without its first letter)."""
        with self.lock:
            if user_id not in self.users:
                raise SlackError("user_not_found")
            dm_id = "D" + user_id[1:]
            if dm_id not in self.channels:
                self.channels[dm_id] = Channel(id=dm_id, name=user_id, is_im=True, user=user_id)
            return dm_id

    def resolve_channel(self, channel: str | None) -> Channel:
        """A channel by id; a user id (`U…`/`W…`) means the bot's DM with that user."""
        with self.lock:
            if channel and channel[0] in "UW":
                if channel not in self.users:
                    raise SlackError("channel_not_found")
                return self.channels[self.dm_channel_id(channel)]
            found = self.channels.get(channel or "")
            if found is None:
                raise SlackError("channel_not_found")
            return found

    def is_member(self, channel: Channel, user_id: str) -> bool:
        if channel.is_im:
            return user_id in (channel.user, self.bot_user_id)
        return user_id in self.users

    def add_user_message(self, channel: str, user_id: str, text: str) -> Message:
        """A person (not the bot) posts in a channel."""
        with self.lock:
            target = self.resolve_channel(channel)
            message = Message(target.id, self.message_store.next_ts(), text, user=user_id)
            self.message_store.add(message)
        self.touch()
        return message

    # -- interactions ------------------------------------------------------------------

    def issue_trigger_id(self, user_id: str) -> str:
        """A trigger_id as Slack sends with a click or command: 3 seconds, single use."""
        with self.lock:
            return self.triggers.issue(user_id)

    def issue_response_url(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str | None = None,
        *,
        ephemeral: bool = False,
    ) -> str:
        """A response_url on this server for an interaction by `user_id` in `channel_id`
        (on the message `message_ts`, an ephemeral one when `ephemeral`)."""
        with self.lock:
            target = ResponseTarget(user_id, channel_id, message_ts, ephemeral)
            return self.response_urls.issue(self.base_url, target)

    # -- faults and rate limits ---------------------------------------------------------

    def add_fault(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        apply_after: bool = False,
        times: int = 1,
    ) -> Fault:
        """Make the next `times` calls of `method` ("*": any) misbehave; see `Fault`."""
        fault = Fault(method, status, error, retry_after, delay, apply_after, times)
        with self.lock:
            self.faults.add(fault)
        self.touch()
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()
        self.touch()

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            return self.faults.take(method)

    def rate_limit(self, enabled: bool, per_second: float = 1.0, burst: int = 3) -> None:
        """Per-channel limit on chat.postMessage (429 with Retry-After when exceeded)."""
        with self.lock:
            self.limiter.configure(enabled=enabled, per_second=per_second, burst=burst)
        self.touch()

    def set_latency(self, seconds: float) -> None:
        """Every Web API call takes `seconds` longer (Slack's own latency); 0: none."""
        if not 0 <= seconds <= 30:
            raise ValueError("latency must be between 0 and 30 seconds")
        with self.lock:
            self.latency = float(seconds)
        self.touch()

    # -- call log ------------------------------------------------------------------------

    def record_call(self, method: str, params: JSON, status: int, response: JSON) -> None:
        self.call_log.record(method, params, status, response)
        self.touch()

    def calls(self, method: str | None = None) -> list[Call]:
        return self.call_log.calls(method)

    def count_calls(
        self, method: str, *, ok: bool | None = None, channel: str | None = None
    ) -> int:
        """How many calls of `method`: see `CallLog.count`."""
        return self.call_log.count(method, ok=ok, channel=channel)

    # -- inspection (copies, safe to keep) ------------------------------------------------

    def messages(self, channel: str) -> list[Message]:
        """Every message in a channel (or a user's DM), oldest first, replies included."""
        with self.lock:
            channel_id = self.resolve_channel(channel).id
            return copy.deepcopy(self.message_store.channels.get(channel_id, []))

    def ephemerals(self, *, user: str | None = None, channel: str | None = None) -> list[Ephemeral]:
        with self.lock:
            return [
                copy.deepcopy(e)
                for e in self.message_store.ephemerals
                if (user is None or e.user == user) and (channel is None or e.channel == channel)
            ]

    def open_modals(self, user_id: str) -> list[View]:
        with self.lock:
            return copy.deepcopy(self.view_store.open_modals(user_id))

    def view(self, view_id: str) -> View | None:
        with self.lock:
            return copy.deepcopy(self.view_store.find(view_id=view_id))

    def file(self, file_id: str) -> StoredFile | None:
        """An uploaded file (`files.getUploadURLExternal` and after), bytes included."""
        with self.lock:
            return copy.deepcopy(self.file_store.get(file_id))

    def home(self, user_id: str) -> View | None:
        with self.lock:
            return copy.deepcopy(self.view_store.homes.get(user_id))

    def snapshot(self) -> JSON:
        """Everything as plain JSON (`GET /_sandbox/state`), for tests and the demo page:
        users, channels with their messages (metadata included), ephemerals, open modals,
        App Home views, uploaded files (without their bytes) and a summary of the call log."""
        with self.lock:
            store, views = self.message_store, self.view_store
            return {
                "version": self.version,
                "bot": {"user_id": self.bot_user_id, "bot_id": self.bot_id},
                "users": [asdict(u) for u in self.users.values()],
                "channels": [
                    {
                        **asdict(c),
                        "messages": [
                            m.to_slack(include_metadata=True) for m in store.channels.get(c.id, [])
                        ],
                    }
                    for c in self.channels.values()
                ],
                "ephemerals": [
                    {k: v for k, v in asdict(e).items() if k != "earlier_blocks"}
                    for e in store.ephemerals
                ],
                "modals": {
                    u: [v.to_slack() for v in stack] for u, stack in views.stacks.items() if stack
                },
                "homes": {u: v.to_slack() for u, v in views.homes.items()},
                "files": [
                    {**f.to_slack(self.base_url), "complete": f.complete}
                    for f in self.file_store.files.values()
                ],
                "calls": [
                    {"method": c.method, "status": c.status, "ok": c.ok, "at": c.at}
                    | ({"error": c.response["error"]} if "error" in c.response else {})
                    for c in self.calls()
                ],
            }
