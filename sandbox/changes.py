"""A counter that goes up on every change to the sandbox, so the page knows when to refresh."""

from __future__ import annotations

import threading


class ChangeCounter:
    """`bump()` after a change; `value` to compare; `wait()` to block until the next one.

    It has its own condition (not `SandboxState.lock`), so waiting never holds up the state.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._value = 0

    @property
    def value(self) -> int:
        return self._value

    def bump(self) -> None:
        with self._condition:
            self._value += 1
            self._condition.notify_all()

    def wait(self, since: int, timeout: float) -> int:
        """The value once it differs from `since`, or after `timeout` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self._value != since, timeout)
            return self._value
