"""Backing off a background loop that keeps failing, and logging each failure once.

A loop (the delivery thread, a scheduler job) that hits the same error on every try must
not log a traceback per try, nor spin: `Backoff` doubles the wait after each failure up
to a cap, logs one line (with the traceback) when a new distinct failure starts, stays
quiet while it repeats, and logs one line when the loop recovers, resetting the wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
SIGNATURE = 300  # characters of an error message that tell two failures apart


def failure_signature(exc: BaseException) -> str:
    """What makes two failures "the same": the error's type and first line. A database
    error is told by the driver's message, not by whichever statement happened to fail."""
    cause: BaseException = exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        cause = exc.orig
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"[:SIGNATURE]


@dataclass
class Backoff:
    name: str
    logger: logging.Logger
    base: float = 1.0
    cap: float = 120.0
    monotonic: Callable[[], float] = time.monotonic
    failures: int = 0
    _signature: str | None = field(default=None, repr=False)
    _since: float = field(default=0.0, repr=False)
    _next_try: float = field(default=0.0, repr=False)

    def failed(self, exc: BaseException) -> float:
        """Count a failure; returns how long to wait before the next try."""
        now = self.monotonic()
        if self.failures == 0:
            self._since = now
        signature = failure_signature(exc)
        if signature != self._signature:
            self._signature = signature
            self.logger.error(
                "%s failing: %s (retrying with backoff up to %gs; repeats are not logged)",
                self.name,
                signature,
                self.cap,
                exc_info=exc,
            )
        self.failures += 1
        delay = min(self.cap, self.base * 2 ** (self.failures - 1))
        self._next_try = now + delay
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.logger.warning(
                "%s recovered after %d failed tries over %.0fs",
                self.name,
                self.failures,
                self.monotonic() - self._since,
            )
        self.failures, self._signature, self._next_try = 0, None, 0.0

    @property
    def waiting(self) -> bool:
        """True while the loop should not try yet."""
        return self.failures > 0 and self.monotonic() < self._next_try

    def run(self, func: Callable[..., T], *args: object) -> T | None:
        """Call `func` unless backing off; a failure is counted and logged, not raised."""
        if self.waiting:
            return None
        try:
            result = func(*args)
        except Exception as exc:
            self.failed(exc)
            return None
        self.succeeded()
        return result
