"""Slack's requests first: a person is waiting on each, and Slack gives up after 3 s.

Every Slack request counts as waiting from its arrival until its answer has left
(`arrived()` returns the `answered` to call). Work that nobody is waiting on at this
instant (the delivery lanes' calls, a click's own work after its ack) calls `give_way()`
before each piece: while any request waits, pieces of background work are let through one
at a time, at most one per `interval` across the whole process, so acks get the
interpreter first and background work still moves (about 40 pieces a second at the
default) during a storm of clicks. With nothing waiting, `give_way` returns at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

INTERVAL = 0.025  # seconds between two pieces of background work while requests wait


class Foreground:
    def __init__(
        self, *, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval, self._clock = interval, clock
        self._changed = threading.Condition()
        self._waiting = 0
        self._next_turn = 0.0  # when the next piece of background work may start

    @property
    def waiting(self) -> int:
        return self._waiting

    def arrived(self) -> Callable[[], None]:
        """A request came in; call what this returns once it is answered (more calls are
        ignored)."""
        with self._changed:
            self._waiting += 1
        done = threading.Event()

        def answered() -> None:
            if done.is_set():
                return
            with self._changed:
                if not done.is_set():
                    done.set()
                    self._waiting -= 1
                    self._changed.notify_all()

        return answered

    def give_way(self) -> None:
        """Background work: go now if no request waits, else at this piece's turn."""
        if not self._waiting:
            return
        with self._changed:
            while self._waiting:
                now = self._clock()
                if now >= self._next_turn:
                    self._next_turn = now + self._interval
                    return
                self._changed.wait(self._next_turn - now)
