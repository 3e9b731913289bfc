"""Signed webhooks through the outbox: once per event, retried with the same webhook-id,
in order per lead, never in the way of a Slack card."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import httpx
import pytest

from bot.delivery.jobs.webhook import post_signed
from bot.services.decisions import ACCEPT, HANDBACK, REJECT, decide
from storage import outbox
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_FAILED, OUT_PENDING, OUT_SENDING
from tests import factories as f
from tests.bot.webhooks.conftest import DECISIONS, SECRET, webhook_rows
from tests.helpers import cards_for, wait_for


def drain(hooks, clock, rounds: int = 8, step: float = 10) -> None:
    """Run the webhook lane until nothing is left, the clock moving past each back-off."""
    for _ in range(rounds):
        hooks.run_once()
        hooks.blocked_until.clear()
        if not any(r.status == OUT_PENDING for r in webhook_rows(hooks)):
            return
        clock.advance(seconds=step)


@pytest.fixture
def events():
    return DECISIONS


def test_every_decision_reaches_the_receiver_once_with_the_configured_events_only(
    bot, hooks, receiver, clock
):
    accepted, rejected, back = (f.routed_handoff(bot).handoff for _ in range(3))
    decide(accepted.id, accepted.owner_id, ACCEPT, runtime=bot.runtime)
    decide(rejected.id, rejected.owner_id, REJECT, runtime=bot.runtime, reason_code="R-DATA")
    decide(back.id, back.owner_id, HANDBACK, runtime=bot.runtime, reason_code="N-TIMING")
    drain(hooks, clock)
    types = [e["type"] for e in receiver.effects]
    assert types == DECISIONS  # no lead.routed: not subscribed
    assert all(d.verified for d in receiver.deliveries)
    assert len(receiver.deliveries) == 3
    reject = receiver.effects[1]["data"]
    assert reject["decision"]["reason_code"] == "R-DATA"
    assert reject["decision"]["decided_by"]["slack_id"] == rejected.owner_id
    assert reject["handoff"]["id"] == rejected.id
    assert reject["lead"]["id"] == rejected.lead_id
    assert all(r.status == OUT_DONE for r in webhook_rows(hooks))


def test_500_twice_then_200_is_three_deliveries_with_one_webhook_id_and_one_effect(
    bot, hooks, receiver, clock
):
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.fail(500, times=2)
    hooks.run_once()
    (row,) = webhook_rows(hooks)
    first_wait = (row.next_attempt_at - clock()).total_seconds()
    assert row.status == OUT_PENDING and "HTTP 500" in (row.last_error or "")
    assert 0.5 <= first_wait <= 1.5  # about a second, then doubling
    clock.advance(seconds=first_wait)
    hooks.run_once()
    (row,) = webhook_rows(hooks)
    second_wait = (row.next_attempt_at - clock()).total_seconds()
    assert 1.5 <= second_wait <= 2.5
    assert first_wait + second_wait < 10  # the first three attempts within about ten seconds
    clock.advance(seconds=second_wait)
    hooks.run_once()
    assert [d.status for d in receiver.deliveries] == [500, 500, 200]
    assert len({d.webhook_id for d in receiver.deliveries}) == 1
    assert len(receiver.effects) == 1
    (row,) = webhook_rows(hooks)
    assert row.status == OUT_DONE and row.attempts == 3


def test_429_retry_after_is_honoured_and_other_4xx_fail_at_once_with_the_body_kept(
    bot, hooks, receiver, clock
):
    first, second = (f.routed_handoff(bot).handoff for _ in range(2))
    decide(first.id, first.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.fail(429, retry_after=30)
    hooks.run_once()
    (row,) = webhook_rows(hooks)
    assert (row.next_attempt_at - clock()).total_seconds() == pytest.approx(30)
    decide(second.id, second.owner_id, ACCEPT, runtime=bot.runtime)
    hooks.run_once()  # the destination is paused: the second lead's event waits too
    assert len(receiver.deliveries) == 1
    hooks.blocked_until.clear()
    receiver.fail(410)
    clock.advance(seconds=30)
    hooks.run_once()
    rows = webhook_rows(hooks)
    assert [r.status for r in rows] == [OUT_FAILED, OUT_DONE]
    assert "HTTP 410 stand-in answers 410" in (rows[0].last_error or "")
    assert rows[0].attempts == 2  # 429, then 410: no more tries


def test_events_for_one_lead_are_delivered_in_the_order_they_happened(bot, hooks, receiver, clock):
    handoff = f.routed_handoff(bot).handoff
    other = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, REJECT, runtime=bot.runtime, reason_code="R-OWNER")
    receiver.fail(500)  # the reject's first attempt
    hooks.run_once()
    # The reject waits for its retry; the re-route's lead.routed (same lead) must not pass it.
    assert [e["type"] for e in receiver.effects] == []
    decide(other.id, other.owner_id, ACCEPT, runtime=bot.runtime)
    hooks.run_once()  # another lead is not held up
    assert [e["data"]["lead"]["id"] for e in receiver.effects] == [other.lead_id]
    drain(hooks, clock)
    mine = [e["type"] for e in receiver.effects if e["data"]["lead"]["id"] == handoff.lead_id]
    assert mine == ["handoff.rejected"]  # lead.routed is not subscribed here


@pytest.mark.parametrize("events", [None])
def test_order_per_lead_across_event_types(bot, hooks, receiver, clock, events):
    handoff = f.routed_handoff(bot).handoff  # lead.routed queued
    receiver.fail(503)
    hooks.run_once()  # lead.routed fails once
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    hooks.run_once()  # handoff.accepted must wait behind it
    assert receiver.effects == []
    drain(hooks, clock)
    assert [e["type"] for e in receiver.effects] == ["lead.routed", "handoff.accepted"]


def test_a_dead_endpoint_does_not_delay_cards(bot, hooks, receiver, clock):
    first = f.routed_handoff(bot).handoff
    decide(first.id, first.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.hang_after_success(6.0)  # the endpoint holds the webhook lane for 5 s
    with httpx.Client(timeout=5.0) as http:
        slow = dataclasses.replace(hooks, http=http)
        stuck = threading.Thread(target=slow.run_once)
        stuck.start()
        try:
            wait_for(lambda: receiver.deliveries)  # the webhook call is in flight
            second = f.routed_handoff(bot, deliver=False).handoff
            bot.deliver()  # the Slack lane, while the webhook lane waits on the endpoint
            assert len(cards_for(bot.slack, f.CHANNEL, second.id)) == 1
            assert stuck.is_alive()
        finally:
            stuck.join()


def test_a_row_left_sending_by_a_killed_worker_is_sent_again_with_the_same_webhook_id(
    bot, hooks, receiver, clock
):
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    (row,) = webhook_rows(hooks)
    with unit_of_work(bot.runtime.engine) as session:
        assert outbox.claim(row.id, clock(), session=session)
    # The call reaches the receiver, then the process dies (kill -9) before marking it done.
    post_signed(hooks.http, receiver.url, SECRET, row.payload["webhook_id"], row.payload["json"])
    assert webhook_rows(hooks)[0].status == OUT_SENDING
    clock.advance(seconds=hooks.lease.total_seconds() + 1)
    hooks.run_once()  # a restarted worker reclaims the row and sends it again
    assert [d.webhook_id for d in receiver.deliveries] == [row.payload["webhook_id"]] * 2
    assert len(receiver.effects) == 1
    assert receiver.deliveries[1].duplicate
    assert webhook_rows(hooks)[0].status == OUT_DONE


def test_a_timeout_after_success_is_retried_and_de_duplicated(bot, hooks, receiver, clock):
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.hang_after_success(1.5)
    hooks.run_once()
    (row,) = webhook_rows(hooks)
    assert row.status == OUT_PENDING and "timed out" in (row.last_error or "")
    hooks.blocked_until.clear()
    clock.advance(seconds=5)
    hooks.run_once()
    assert len(receiver.deliveries) == 2 and len(receiver.effects) == 1
    assert webhook_rows(hooks)[0].status == OUT_DONE


def test_gives_up_after_a_day_and_the_row_fails(bot, hooks, receiver, clock):
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.fail(500, times=100)
    for _ in range(40):
        hooks.run_once()
        hooks.blocked_until.clear()
        if webhook_rows(hooks)[0].status == OUT_FAILED:
            break
        (row,) = webhook_rows(hooks)
        wait = (row.next_attempt_at - clock()).total_seconds()
        assert wait <= 3600 * 1.0001  # at most an hour between tries
        clock.advance(seconds=wait)
    (row,) = webhook_rows(hooks)
    assert row.status == OUT_FAILED
    assert clock() - row.created_at >= timedelta(hours=24)
    assert "gave up" in (row.last_error or "")


def test_an_unreachable_receivers_error_names_no_path_or_query():
    """A webhook URL's path or query may hold a token: it stays out of logs and errors."""
    from bot.delivery.errors import RetryLater

    url = "http://127.0.0.1:9/hooks/catch/123/abcSECRETPATH?token=QUERYTOKEN987"
    with httpx.Client(timeout=2) as http, pytest.raises(RetryLater) as caught:
        post_signed(http, url, SECRET, "msg_1", "{}")
    assert "http://127.0.0.1:9" in caught.value.error
    assert "SECRETPATH" not in caught.value.error and "QUERYTOKEN" not in caught.value.error
