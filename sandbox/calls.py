"""The call log: every Web API call the sandbox answered, in order."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.models import JSON


@dataclass
class Call:
    """One Web API call as the sandbox answered it."""

    method: str
    params: JSON
    status: int
    response: JSON
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def channel(self) -> str | None:
        """The channel the call was about (the D… id when a user id was given)."""
        answered = self.response.get("channel")
        if isinstance(answered, str) and self.ok:
            return answered
        asked = self.params.get("channel")
        return asked if isinstance(asked, str) else None


class CallLog:
    """Shares `SandboxState`'s lock."""

    def __init__(self, lock: threading.RLock, now: Callable[[], float]) -> None:
        self._lock = lock
        self._now = now
        self._calls: list[Call] = []

    def record(self, method: str, params: JSON, status: int, response: JSON) -> None:
        call = Call(method, copy.deepcopy(params), status, copy.deepcopy(response), self._now())
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def count(self, method: str, *, ok: bool | None = None, channel: str | None = None) -> int:
        """How many calls of `method` (only successful ones with ok=True, failed with False).

        `channel` matches what was asked (a U… id) or answered (its D… id).
        """
        return sum(
            1
            for c in self.calls(method)
            if (ok is None or c.ok == ok)
            and (channel is None or channel in (c.params.get("channel"), c.channel))
        )
