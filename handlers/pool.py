"""The listeners' executor, shaped for ack first: a click is answered before any of its
work, and its answer never waits for other clicks' work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from bot.foreground import Foreground

T = TypeVar("T")


class ListenerPool(Executor):
    """Bolt's `listener_executor`. Each listener starts at once on a thread of its own (up
    to `threads`), so its first call, `ack()`, never queues behind other listeners that
    wait on the database; at most `work` listeners go on past their ack at a time
    (`after_ack`), so a burst of clicks is not a burst of database sessions. A listener
    that never calls `after_ack` (an event, a form) is not counted. Past its ack, a
    listener's work is a piece of background work (`foreground`, bot/foreground.py):
    while Slack's requests wait for their answers (its own included), it takes its turn."""

    def __init__(
        self, *, work: int = 8, threads: int = 256, foreground: Foreground | None = None
    ) -> None:
        self._foreground = foreground
        self._threads = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="handshake-listener"
        )
        self._slots = threading.BoundedSemaphore(work)
        self._local = threading.local()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._threads.submit(self._run, fn, *args, **kwargs)

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self._local.holding, self._local.turn = False, False
        try:
            return fn(*args, **kwargs)
        finally:
            if self._local.holding:
                self._local.holding = False
                self._slots.release()
            if self._foreground is not None:
                self._foreground.end_piece(self._local.turn)
            self._local.turn = False

    def after_ack(self) -> None:
        """Slack has its answer: wait for a work slot (once per listener; a no-op on a
        thread that is not one of this pool's)."""
        if getattr(self._local, "holding", None) is False:
            self._slots.acquire()
            self._local.holding = True
            if self._foreground is not None:
                self._local.turn = self._foreground.begin_piece()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)
