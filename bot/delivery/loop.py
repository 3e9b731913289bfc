"""The delivery thread: hands due rows to the worker's routes every tick, at once when woken
after a commit or when a route runs dry, and backs off (quietly) while the database or the
worker keeps failing. The routes deliver in the worker's own threads."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from bot.delivery.backoff import Backoff

if TYPE_CHECKING:
    from bot.delivery.worker import DeliveryWorker

log = logging.getLogger("handshake.delivery")
SETTLE_AFTER_FAILURES = 10.0  # seconds a pass after failures waits for its rows to go out
IDLE_WHEN_STUCK = 1.0  # seconds to wait when rows are due but none could go (rate limited)
PASS_GRACE = 30.0  # seconds a pass may take beyond its wait before the thread counts as stuck


class DeliveryThread:
    def __init__(
        self,
        worker: DeliveryWorker,
        tick_seconds: float,
        *,
        backoff_base: float = 1.0,
        backoff_cap: float = 120.0,
        name: str = "handshake-delivery",
        grace: float = PASS_GRACE,
    ):
        self.worker, self.tick_seconds, self.grace = worker, tick_seconds, grace
        self.backoff = Backoff(
            name.removeprefix("handshake-"), log, base=backoff_base, cap=backoff_cap
        )
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._beat_by: float | None = None  # monotonic: the loop must come round by then
        worker.on_free, worker.detached = self.wake, True

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A commit queued work: deliver now (and, if backing off, try again now: a commit
        that just succeeded says the database works again)."""
        self._wake.set()

    @property
    def name(self) -> str:
        return self._thread.name

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self.worker.close()
        self._thread.join(timeout)

    def problem(self) -> str | None:
        """Why this thread is not doing its work (for /readyz), or None: not started,
        stopped, crashed, or a pass overdue (its heartbeat is stale)."""
        name = self.name
        if self._stop.is_set():
            return f"{name} stopped"
        if self._beat_by is None:
            return f"{name} not started"
        if not self._thread.is_alive():
            return f"{name} crashed"
        late = time.monotonic() - self._beat_by
        if late > 0:
            return f"{name} has not come round for {late:.0f}s past its wait"
        return None

    def _beat(self, wait: float) -> None:
        self._beat_by = time.monotonic() + wait + self.grace

    def _loop(self) -> None:
        self._beat(0)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                wait = self._once()
            except Exception as exc:
                wait = self.backoff.failed(exc)
            else:
                self.backoff.succeeded()
            self._beat(wait)
            self._wake.wait(wait)

    def _once(self) -> float:
        """One pass; returns how long to wait for the next."""
        done = self.worker.run_once()  # detached: hands rows out, returns at once
        if self.backoff.failures:  # recovering: "recovered" once this pass's rows went out
            done += self.worker.settle(SETTLE_AFTER_FAILURES)
        soonest = self.worker.seconds_until_next()
        if soonest is None:
            return self.tick_seconds
        if soonest <= 0 and not done:  # due rows that could not go yet: don't spin
            return min(self.tick_seconds, IDLE_WHEN_STUCK)
        return max(0.05, min(self.tick_seconds, soonest))
