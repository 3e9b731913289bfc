"""When a lane tries a row again, and when it gives up: the retry policy the wiring gives
each worker (bot/server.py).

- Slack (`SlackRetry`): up to 8 attempts, waiting 1 s, 2 s, 4 s … up to 5 minutes.
- Outside destinations, webhooks and CRMs (`OutsideRetry`): exponential back-off with
  jitter, starting at about a second and doubling (the first three attempts land within
  about ten seconds), at most an hour between tries, for at least 24 hours counted from the
  row's creation; then the row is failed. A Retry-After from the destination is honoured
  up to that hour (a receiver asking for a year is asked again within the hour).
  A failed row put back by `handshake outbox retry` gets `min_attempts` more tries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.delivery.errors import RetryLater
from storage.models import Outbox


class RetryPolicy(Protocol):
    def delay(self, row: Outbox, retry: RetryLater, now: datetime) -> float | None:
        """Seconds until the next attempt; None: give up, the row fails."""
        ...

    def gave_up(self, row: Outbox) -> str:
        """How giving up is worded in the row's last error."""
        ...


@dataclass
class SlackRetry:
    max_attempts: int = 8
    cap: float = 300.0

    def delay(self, row: Outbox, retry: RetryLater, now: datetime) -> float | None:
        if retry.counts and row.attempts >= self.max_attempts:
            return None
        return retry.delay or float(min(2 ** max(row.attempts - 1, 0), self.cap))

    def gave_up(self, row: Outbox) -> str:
        return f"gave up after {row.attempts} attempts"


@dataclass
class OutsideRetry:
    base: float = 1.0
    cap: float = 3600.0
    max_age: timedelta = timedelta(hours=24)
    min_attempts: int = 3
    jitter: float = 0.2  # each wait is the doubled base, ± this fraction
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, row: Outbox, retry: RetryLater, now: datetime) -> float | None:
        old = now - row.created_at >= self.max_age
        if retry.counts and old and row.attempts >= self.min_attempts:
            return None
        if retry.delay:  # the destination said when (Retry-After), within the hour at most
            return min(retry.delay, self.cap)
        wait = min(self.base * 2 ** max(row.attempts - 1, 0), self.cap)
        return min(wait * self.rng.uniform(1 - self.jitter, 1 + self.jitter), self.cap)

    def gave_up(self, row: Outbox) -> str:
        hours = self.max_age.total_seconds() / 3600
        return f"gave up after {row.attempts} attempts over {hours:g}h"
