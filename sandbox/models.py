"""The records the stand-in Slack keeps, and the error its Web API methods raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

TEAM_ID = "T0SANDBOX"
TEAM_DOMAIN = "handshake-sandbox"
APP_ID = "A0HANDSHAKE"
SHOWN_VERSIONS = 5  # earlier block lists kept per message or view (see `Shown`)


class SlackError(Exception):
    """A Web API method failed: answered `{"ok": false, "error": code, **extra}`, with HTTP
    200 unless `status` says otherwise (429 for rate limits)."""

    def __init__(
        self,
        code: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> JSON:
        return {"ok": False, "error": self.code, **self.extra}


@dataclass(kw_only=True)
class Shown:
    """Blocks a person's screen may still show after the app replaced them.

    Slack's client sends a click on what it rendered, even if the app has just updated the
    message (or view) and the button is gone; the app then answers "already done". So a
    click is matched against the current blocks, then against these, newest first.
    """

    earlier_blocks: list[list[JSON]] = field(default_factory=list, repr=False, compare=False)

    def remember_blocks(self, blocks: list[JSON]) -> None:
        if blocks:
            self.earlier_blocks.append(blocks)
            del self.earlier_blocks[:-SHOWN_VERSIONS]


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str = "America/New_York"
    is_bot: bool = False
    title: str = ""  # a role label shown by the sandbox page ("Account Executive")
    deleted: bool = False  # a deactivated account: users.info says `deleted: true`


@dataclass
class Channel:
    id: str
    name: str
    is_im: bool = False
    user: str | None = None  # the other party of a DM
    bot_is_member: bool = True


@dataclass
class Message(Shown):
    channel: str
    ts: str
    text: str
    user: str
    blocks: list[JSON] = field(default_factory=list)
    metadata: JSON | None = None
    thread_ts: str | None = None
    bot_id: str | None = None
    edited: JSON | None = None
    reply_count: int = 0
    files: list[JSON] = field(default_factory=list)  # shared by files.completeUploadExternal

    def replace_blocks(self, blocks: list[JSON]) -> None:
        self.remember_blocks(self.blocks)
        self.blocks = blocks

    def to_slack(self, *, include_metadata: bool = False) -> JSON:
        """The message as conversations.history shows it."""
        out: JSON = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text}
        out["team"] = TEAM_ID
        if self.bot_id:
            out.update(bot_id=self.bot_id, app_id=APP_ID)
        if self.blocks:
            out["blocks"] = self.blocks
        if self.files:
            out["files"] = self.files
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if self.reply_count:
            out["reply_count"] = self.reply_count
        if self.edited:
            out["edited"] = self.edited
        if include_metadata and self.metadata:
            out["metadata"] = self.metadata
        return out


@dataclass
class Ephemeral(Shown):
    channel: str
    user: str
    ts: str
    text: str
    blocks: list[JSON] = field(default_factory=list)
    via: str = "chat.postEphemeral"  # or "response_url"

    def replace_blocks(self, blocks: list[JSON]) -> None:
        self.remember_blocks(self.blocks)
        self.blocks = blocks


@dataclass
class View(Shown):
    id: str
    user: str
    payload: JSON  # what the app sent: type, title, blocks, callback_id, private_metadata, ...
    root_view_id: str
    previous_view_id: str | None = None
    hash: str = ""
    state_values: JSON = field(default_factory=dict)
    errors: JSON = field(default_factory=dict)  # block_id -> message (`response_action: errors`)

    @property
    def type(self) -> str:
        return str(self.payload.get("type", "modal"))

    def to_slack(self) -> JSON:
        """The view object as Slack returns it from views.* and sends it in payloads."""
        out: JSON = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **self.payload,
        }
        out.update(
            id=self.id,
            team_id=TEAM_ID,
            app_id=APP_ID,
            root_view_id=self.root_view_id,
            previous_view_id=self.previous_view_id,
            hash=self.hash,
            state={"values": self.state_values},
        )
        return out
