"""Group commit for intake: one writer thread stores the leads that arrive together in one
transaction, and each request is answered only once its batch has committed.

Under load, requests queue while the writer commits the batch before; the writer then
takes up to `MAX_BATCH` of them at once. Alone, a lead is written at once (no waiting for
company). If anything in a batch fails, the batch is rolled back and every lead in it is
written again on its own (`ingest`, one transaction each, which also settles a race with
another instance over the same `(source, external_id)`), so one bad lead never loses or
wrongly answers the others: each gets its own result or its own error.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from bot.intake.batch import ingest_batch
from bot.intake.service import IntakeResult, ingest
from bot.intake.validate import LeadInput
from bot.runtime import Runtime
from storage.db import brief_error, unit_of_work

log = logging.getLogger("handshake.intake")

MAX_BATCH = 64
# At most one wake of the delivery lanes per this many seconds: a wake starts a pass over
# every due row, and under load a batch commits every few milliseconds. The first commit
# after a quiet spell wakes them at once; the others within the interval share one wake,
# sent when the interval is over (or when the queue runs dry), never dropped.
WAKE_EVERY = 0.05


@dataclass
class _Pending:
    lead: LeadInput
    answer: Future[IntakeResult] = field(default_factory=Future)


class IntakeWriter:
    """The single writer of one server's intake. `submit` from any thread."""

    def __init__(
        self, runtime: Runtime, *, max_batch: int = MAX_BATCH, wake_every: float = WAKE_EVERY
    ) -> None:
        self.runtime = runtime
        self.max_batch = max_batch
        self.wake_every = wake_every
        self._woken_at = -wake_every  # time.monotonic() of the last wake
        self._wake_owed = False
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, lead: LeadInput) -> Future[IntakeResult]:
        """A future that holds the lead's result once it is committed (or the error that
        kept it from being stored)."""
        self._start()
        pending = _Pending(lead)
        self._queue.put(pending)
        return pending.answer

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="handshake-intake-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._next()
            if first is None:
                self._wake(force=True)
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                self._wake(force=True)
                return

    def _next(self) -> _Pending | None:
        """The next lead; a wake that is owed is sent once its interval is over, even when
        no lead comes."""
        while self._wake_owed:
            left = self._woken_at + self.wake_every - time.monotonic()
            if left <= 0:
                self._wake(force=True)
                break
            try:
                return self._queue.get(timeout=left)
            except queue.Empty:
                self._wake(force=True)
        return self._queue.get()

    def _wake(self, *, force: bool = False) -> None:
        """Wake the delivery lanes if a committed lead is owed a wake and the last one is
        `wake_every` old (or at once with `force`)."""
        if not self._wake_owed:
            return
        now = time.monotonic()
        if force or now - self._woken_at >= self.wake_every:
            self._wake_owed = False
            self._woken_at = now
            self.runtime.wake()

    def _write(self, batch: list[_Pending]) -> None:
        if not self._write_together(batch):
            for pending in batch:
                self._write_alone(pending)
        if any(p.answer.result().body.get("status") == "routed" for p in _answered(batch)):
            self._wake_owed = True
            self._wake()

    def _write_together(self, batch: list[_Pending]) -> bool:
        """All of `batch` in one transaction; False (nothing kept) if any of it failed."""
        runtime = self.runtime
        now = runtime.clock()
        try:
            with unit_of_work(runtime.engine) as session:
                leads = [p.lead for p in batch]
                results = ingest_batch(leads, session=session, config=runtime.config, now=now)
        except Exception as exc:
            log.warning(
                "intake batch of %d rolled back, writing each alone: %s",
                len(batch),
                brief_error(exc),
            )
            return False
        for pending, result in zip(batch, results, strict=True):
            pending.answer.set_result(result)
        return True

    def _write_alone(self, pending: _Pending) -> None:
        try:
            pending.answer.set_result(ingest(pending.lead, runtime=self.runtime))
        except BaseException as exc:
            pending.answer.set_exception(exc)


def _answered(batch: list[_Pending]) -> list[_Pending]:
    return [p for p in batch if p.answer.exception() is None]
