"""The lanes' retry policies: Slack's as before; outside destinations back off with jitter
from about a second, at most an hour apart, for at least a day."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.delivery.errors import RetryLater
from bot.delivery.outside import retry_after
from bot.delivery.policy import OutsideRetry, SlackRetry
from storage.models import Outbox
from tests.factories import START


def row(attempts: int, age: timedelta = timedelta(0)) -> Outbox:
    return Outbox(
        kind="webhook",
        target="webhook",
        attempts=attempts,
        next_attempt_at=START,
        created_at=START - age,
        updated_at=START,
    )


FAILED = RetryLater(0, "HTTP 500", maybe_sent=True)


def test_outside_back_off_starts_near_a_second_doubles_and_caps_at_an_hour():
    policy = OutsideRetry(rng=random.Random(7))
    waits = [policy.delay(row(n), FAILED, START) for n in range(1, 20)]
    assert all(w is not None for w in waits)
    assert 0.8 <= waits[0] <= 1.2 and 1.6 <= waits[1] <= 2.4
    assert sum(waits[:2]) < 10  # attempts 1, 2 and 3 within about ten seconds
    assert max(waits) <= 3600 and waits[-1] >= 3600 * 0.8
    assert len({round(w, 6) for w in waits[:5]}) == 5  # jittered


def test_outside_gives_up_only_after_a_day_and_a_few_attempts():
    policy = OutsideRetry()
    assert policy.delay(row(30, timedelta(hours=23, minutes=59)), FAILED, START) is not None
    assert policy.delay(row(30, timedelta(hours=24)), FAILED, START) is None
    # a failed row put back by `handshake outbox retry` gets a few more tries
    assert policy.delay(row(1, timedelta(days=3)), FAILED, START) is not None
    assert policy.delay(row(3, timedelta(days=3)), FAILED, START) is None


def test_retry_after_is_honoured_over_the_back_off():
    limited = RetryLater(42, "HTTP 429", maybe_sent=False, pause=42)
    assert OutsideRetry().delay(row(1), limited, START) == 42
    a_year = RetryLater(31_536_000, "HTTP 429", maybe_sent=False, pause=31_536_000)
    assert OutsideRetry().delay(row(1), a_year, START) == 3600  # asked again within the hour
    assert retry_after("120") == 120
    assert retry_after("Mon, 23 Nov 2026 14:01:00 GMT", START) == 60
    assert retry_after("soon") is None and retry_after(None) is None


def test_slack_keeps_eight_attempts_and_five_minutes():
    policy = SlackRetry()
    assert policy.delay(row(1), FAILED, START) == 1
    assert policy.delay(row(7), FAILED, START) == 64
    assert policy.delay(row(8), FAILED, START) is None
