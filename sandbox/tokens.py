"""trigger_ids (3 seconds, single use) and response_urls handed out with interactions.

Neither class locks: `SandboxState` calls them under its one lock.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.models import SlackError

TRIGGER_TTL_SECONDS = 3.0


@dataclass
class _Trigger:
    user: str
    issued_at: float
    used: bool = False


class TriggerBook:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._triggers: dict[str, _Trigger] = {}
        self._seq = itertools.count(1)

    def issue(self, user_id: str) -> str:
        at = self._now()
        trigger_id = f"{int(at)}.{next(self._seq)}.{secrets.token_hex(8)}"
        self._triggers[trigger_id] = _Trigger(user=user_id, issued_at=at)
        return trigger_id

    def redeem(self, trigger_id: str | None) -> str:
        """The user the trigger was issued for; raises Slack's error when it cannot be used."""
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self._now() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user


@dataclass(frozen=True)
class ResponseTarget:
    """Where a response_url answers: the user who interacted, in which channel, about which
    message (None for slash commands), and whether that message was an ephemeral one."""

    user: str
    channel: str
    message_ts: str | None = None
    ephemeral: bool = False


class ResponseUrlBook:
    PATH = "/_sandbox/respond/"

    def __init__(self) -> None:
        self._targets: dict[str, ResponseTarget] = {}

    def issue(self, base_url: str, target: ResponseTarget) -> str:
        token = secrets.token_urlsafe(12)
        self._targets[token] = target
        return base_url.rstrip("/") + self.PATH + token

    def target(self, token: str) -> ResponseTarget:
        found = self._targets.get(token)
        if found is None:
            raise SlackError("invalid_response_url")
        return found
