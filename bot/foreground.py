"""Slack's requests first: a person is waiting on each, and Slack gives up after 3 s.

Every Slack request counts as waiting from its arrival until its answer has left
(`arrived()` returns the `answered` to call). Work that nobody is waiting on at this
instant (the delivery lanes' rows, a click's own work after its ack) runs as `piece()`s:
while no request waits, pieces run at once and side by side; while any request waits,
pieces take turns: one at a time, each starting at least `interval` after the last one
ended, so acks get the interpreter first and background work still moves during a storm
of clicks. A piece that began before the storm runs on to its end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

INTERVAL = 0.025  # seconds between two pieces of background work while requests wait


class Foreground:
    def __init__(
        self, *, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval, self._clock = interval, clock
        self._changed = threading.Condition()
        self._waiting = 0  # requests not answered yet
        self._taking_turns = 0  # pieces that started while requests waited, still running
        self._next_turn = 0.0  # when the next such piece may start

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
            with self._changed:
                if not done.is_set():
                    done.set()
                    self._waiting -= 1
                    self._changed.notify_all()

        return answered

    def begin_piece(self) -> bool:
        """Wait for this piece's turn. True: it took a turn, and `end_piece(True)` must
        follow when it ends; False: no request waited, it runs freely."""
        if not self._waiting:
            return False
        with self._changed:
            while self._waiting:
                now = self._clock()
                if not self._taking_turns and now >= self._next_turn:
                    self._taking_turns += 1
                    return True
                timeout = None if self._taking_turns else self._next_turn - now
                self._changed.wait(timeout)
        return False

    def end_piece(self, took_turn: bool) -> None:
        if not took_turn:
            return
        with self._changed:
            self._taking_turns -= 1
            self._next_turn = self._clock() + self._interval
            self._changed.notify_all()

    @contextmanager
    def piece(self) -> Iterator[None]:
        """A piece of background work, run in its turn (see the module's docstring)."""
        took = self.begin_piece()
        try:
            yield
        finally:
            self.end_piece(took)
