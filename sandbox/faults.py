"""Slack misbehaving on purpose: queued faults per method and a per-channel rate limit.

Neither class locks: `SandboxState` calls them under its one lock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.models import JSON

ANY_METHOD = "*"
_DEFAULT_ERRORS = {429: "ratelimited", 503: "service_unavailable"}


@dataclass
class Fault:
    """What the next `times` calls of `method` do instead of (or besides) the real thing.

    - `status`: answer that HTTP status (429 adds `Retry-After: retry_after`).
    - `error`: answer HTTP 200 `{"ok": false, "error": error}`.
    - `delay`: sleep that many seconds first; with `apply_after`, do the real call,
      then sleep (Slack did it, but the client timed out).
    """

    method: str
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    apply_after: bool = False
    times: int = 1

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.apply_after and not self.delay:
            raise ValueError("apply_after needs a delay")
        if self.apply_after and (self.status or self.error):
            raise ValueError("apply_after performs the real call; drop status/error")
        if self.status is None and self.error is None and not self.delay:
            raise ValueError("a fault needs a status, an error or a delay")

    @property
    def replaces_answer(self) -> bool:
        return self.status is not None or self.error is not None

    def answer(self) -> tuple[int, JSON, dict[str, str]]:
        """HTTP status, body and headers for a fault that replaces the real answer."""
        status = self.status or 200
        code = self.error or _DEFAULT_ERRORS.get(status, "internal_error")
        headers: dict[str, str] = {}
        if status == 429:
            headers["Retry-After"] = str(math.ceil(self.retry_after or 1))
        return status, {"ok": False, "error": code}, headers


class FaultBook:
    """Faults waiting for their method, first added first used."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[Fault]:
        return list(self._faults)

    def take(self, method: str) -> Fault | None:
        """The fault for this call of `method`, if any; uses up one of its `times`."""
        for fault in self._faults:
            if fault.method in (method, ANY_METHOD):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None


class RateLimiter:
    """A token bucket per key (a channel): `per_second` refill, `burst` capacity."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.enabled = False
        self.per_second = 1.0
        self.burst = 3
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def configure(self, *, enabled: bool, per_second: float, burst: int) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("per_second must be > 0 and burst >= 1")
        self.enabled, self.per_second, self.burst = enabled, per_second, burst
        self._buckets.clear()

    def take(self, key: str) -> float | None:
        """None when the call may go ahead, else the seconds to wait before retrying."""
        if not self.enabled:
            return None
        at = self._now()
        tokens, last = self._buckets.get(key, (float(self.burst), at))
        tokens = min(float(self.burst), tokens + (at - last) * self.per_second)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, at)
            return None
        self._buckets[key] = (tokens, at)
        return (1 - tokens) / self.per_second
