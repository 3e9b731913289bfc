"""Per-key queues drained by a bounded pool of threads: one key's items one at a time and
in the order given, different keys in parallel (at most `concurrency` at once; the
others wait their turn).

A key here is where a row goes (a Slack channel, a person's DM, an outside destination),
so one channel's backlog never holds up another channel, and one channel's rows never
overtake each other.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext

log = logging.getLogger("handshake.delivery")

# What `work(key, item)` answers: go on with the key's next item, or stop the key here
# (its other items are dropped, to be offered again later, so none overtakes this one).
NEXT, STOP = True, False


class KeyedRunners:
    def __init__(
        self,
        work: Callable[[str, int], bool],
        *,
        concurrency: int,
        name: str,
        begin: Callable[[str], bool] = lambda _key: True,
        end: Callable[[str], None] = lambda _key: None,
        finished: Callable[[], None] = lambda: None,
        piece: Callable[[], AbstractContextManager[object]] = nullcontext,
    ):
        """`begin(key)` before a key's run (False: not now, its items are dropped);
        `end(key)` after it; `finished()` whenever a key's run ends (wake the dispatcher);
        each item's work runs as a `piece()` (bot/foreground.py: Slack's requests first)."""
        self._work, self._begin, self._end, self._finished = work, begin, end, finished
        self._piece = piece
        self._concurrency, self._name = concurrency, name
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queues: dict[str, deque[int]] = {}  # the keys running or waiting to
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False

    @property
    def busy(self) -> set[str]:
        """Keys with a run going or waiting: their new items would wait anyway."""
        with self._lock:
            return set(self._queues)

    def offer(self, key: str, items: list[int]) -> None:
        """Queue `items` (oldest first) for `key`, starting its run if it has none."""
        with self._lock:
            if self._closed or not items:
                return
            queue = self._queues.get(key)
            if queue is not None:
                queue.extend(items)
                return
            self._queues[key] = deque(items)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix=self._name)
            self._pool.submit(self._run, key)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._lock:
            return self._idle.wait_for(lambda: not self._queues, timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _next(self, key: str, queue: deque[int]) -> int | None:
        """The key's next item; None (and the key free for a new run) when none is left."""
        with self._lock:
            if queue and not self._closed:
                return queue.popleft()
            self._forget(key, queue)
            return None

    def _forget(self, key: str, queue: deque[int]) -> None:
        if self._queues.get(key) is queue:
            del self._queues[key]
            self._idle.notify_all()

    def _run(self, key: str) -> None:
        with self._lock:
            queue = self._queues[key]
        try:
            if self._begin(key):
                try:
                    while (item := self._next(key, queue)) is not None:
                        with self._piece():
                            outcome = self._work(key, item)
                        if outcome is STOP:
                            break
                finally:
                    self._end(key)
        except Exception:
            log.exception("delivery key=%s stopped on an unexpected error", key)
        finally:
            with self._lock:
                self._forget(key, queue)
            self._finished()
