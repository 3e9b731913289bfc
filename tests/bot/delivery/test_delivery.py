"""The outbox worker against Slack's failures: exactly one card, nothing lost."""

from __future__ import annotations

import threading

import pytest
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.server import build_worker
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_FAILED, OUT_PENDING, OUT_SENDING, Event, Handoff, Outbox
from tests import factories as f
from tests.conftest import slack_client
from tests.helpers import cards_for


def routed(bot, **overrides) -> Handoff:
    return f.routed_handoff(bot, deliver=False, **overrides).handoff


def rows(bot) -> list[Outbox]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def owner_cards(bot, handoff: Handoff):
    return cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)


def successful_posts(bot) -> int:
    return sum(
        1
        for c in bot.slack.state.calls("chat.postMessage")
        if c.status == 200 and c.response.get("ok")
    )


def test_429_with_retry_after_is_respected_and_the_card_arrives_once(bot, clock):
    handoff = routed(bot)
    bot.slack.state.add_fault("chat.postMessage", status=429, retry_after=7, times=1)
    bot.deliver()
    pending = [r for r in rows(bot) if r.status == OUT_PENDING]
    assert len(pending) == 1
    assert pending[0].maybe_sent is False
    assert (pending[0].next_attempt_at - clock()).total_seconds() == pytest.approx(7, abs=0.01)
    bot.worker.blocked_until.clear()
    clock.advance(seconds=7)
    bot.deliver()
    assert len(owner_cards(bot, handoff)) == 1
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_500_is_retried_after_looking_in_history_and_the_card_arrives_once(bot, clock):
    handoff = routed(bot)
    bot.slack.state.add_fault("chat.postMessage", status=500, times=2)
    bot.deliver()
    clock.advance(seconds=5)
    bot.deliver()
    assert len(owner_cards(bot, handoff)) == 1
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1
    assert bot.slack.state.calls("conversations.history")  # it looked before posting again
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_timeout_after_slack_posted_does_not_post_twice(bot, runtime, clock):
    """Slack stored the message but our client timed out: the retry finds it by metadata."""
    handoff = routed(bot)
    bot.slack.state.add_fault("chat.postMessage", delay=3.0, apply_after=True, times=1)
    impatient = build_worker(
        engine=runtime.engine,
        config=runtime.config,
        client=slack_client(bot.slack, timeout=1.5),
        clock=clock,
    )
    impatient.run_once()
    flagged = [r for r in rows(bot) if r.maybe_sent]
    assert len(flagged) == 1 and flagged[0].status == OUT_PENDING
    clock.advance(seconds=5)
    bot.deliver()
    assert len(owner_cards(bot, handoff)) == 1
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1
    with unit_of_work(runtime.engine) as session:
        recovered = [
            e
            for e in session.exec(select(Event).where(Event.kind == "delivered"))
            if e.data["recovered"]
        ]
    assert len(recovered) == 1


def test_worker_killed_mid_delivery_loses_nothing_and_sends_nothing_twice(
    bot, runtime, clock, monkeypatch
):
    """A crash between Slack's answer and our commit leaves a row `sending`; a restarted
    worker reclaims it after the lease, finds the card in history, and records it."""
    handoff = routed(bot)

    class Crash(BaseException):
        pass

    crashing = build_worker(
        engine=runtime.engine, config=runtime.config, client=slack_client(bot.slack), clock=clock
    )

    def die(*_args, **_kwargs):
        raise Crash

    with monkeypatch.context() as patch:
        # The process dies right after Slack answered, before our commit.
        patch.setattr("bot.delivery.jobs.card_post.set_card", die)
        with pytest.raises(Crash):
            crashing.run_once()
    assert [r.status for r in rows(bot)][:1] == [OUT_SENDING]
    # Routes go in parallel: the channel's card may have been in flight too.
    in_flight = [r for r in rows(bot) if r.status == OUT_SENDING]
    assert successful_posts(bot) == len(in_flight) >= 1

    clock.advance(minutes=5)  # past the lease
    restarted = build_worker(
        engine=runtime.engine, config=runtime.config, client=slack_client(bot.slack), clock=clock
    )
    restarted.run_once()
    assert len(owner_cards(bot, handoff)) == 1
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1
    assert successful_posts(bot) == 2  # one owner card, one channel card: never a third
    assert all(r.status == OUT_DONE for r in rows(bot))
    with unit_of_work(runtime.engine) as session:
        assert session.get(Handoff, handoff.id).owner_ts is not None


def test_a_delivery_process_started_again_takes_back_its_predecessors_rows_at_once(
    bot, runtime, clock, monkeypatch
):
    """serve starts its delivery process again with the same holder once the last one has
    exited: the rows it left `sending` are taken back without waiting out the lease, looked
    up in Slack, and never posted twice. Another holder's rows wait for the lease."""
    handoff = routed(bot)

    def worker(holder: str):
        return build_worker(
            engine=runtime.engine,
            config=runtime.config,
            client=slack_client(bot.slack),
            clock=clock,
            holder=holder,
        )

    class Crash(BaseException):
        pass

    def die(*_args, **_kwargs):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr("bot.delivery.jobs.card_post.set_card", die)
        with pytest.raises(Crash):
            worker("serve-1").run_once()
    in_flight = [r.id for r in rows(bot) if r.status == OUT_SENDING]
    assert in_flight and successful_posts(bot) == len(in_flight)

    assert worker("serve-2").take_back() == 0  # not its rows: they wait for the lease
    assert [r.id for r in rows(bot) if r.status == OUT_SENDING] == in_flight

    restarted = worker("serve-1")
    assert restarted.take_back() == len(in_flight)  # the clock has not moved
    taken = [r for r in rows(bot) if r.id in in_flight]
    assert all(r.status == OUT_PENDING and r.maybe_sent for r in taken)
    restarted.run_once()
    assert len(owner_cards(bot, handoff)) == 1
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1
    assert successful_posts(bot) == 2  # found in history, not posted again
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_permanent_error_ends_failed_and_can_be_retried(bot, clock):
    handoff = routed(bot)
    bot.slack.state.add_fault("chat.postMessage", error="channel_not_found", times=2)
    bot.deliver()
    failed = [r for r in rows(bot) if r.status == OUT_FAILED]
    assert len(failed) == 2 and "channel_not_found" in failed[0].last_error
    from storage.outbox import retry_failed

    with unit_of_work(bot.runtime.engine) as session:
        assert retry_failed(session=session, now=clock()) == 2
    bot.deliver()
    assert len(owner_cards(bot, handoff)) == 1
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_gives_up_after_max_attempts_and_keeps_the_row(bot, runtime, clock):
    routed(bot)
    bot.slack.state.add_fault("chat.postMessage", status=503, times=100)
    for _ in range(12):
        bot.deliver()
        clock.advance(minutes=10)
    statuses = {r.status for r in rows(bot)}
    assert statuses == {OUT_FAILED}
    with unit_of_work(runtime.engine) as session:
        assert session.exec(select(Event).where(Event.kind == "delivery_failed")).all()


def test_two_workers_never_send_the_same_row(bot, runtime, clock):
    for _ in range(10):
        routed(bot)
    workers = [
        build_worker(
            engine=runtime.engine,
            config=runtime.config,
            client=slack_client(bot.slack),
            clock=clock,
        )
        for _ in range(2)
    ]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert successful_posts(bot) == 20
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_decision_before_the_card_was_posted_updates_after_it(bot, clock):
    from bot.services import decisions

    handoff = routed(bot)
    decisions.decide(
        handoff.id,
        handoff.owner_id,
        decisions.ACCEPT,
        runtime=bot.runtime,
        now=clock(),
    )
    bot.deliver()
    clock.advance(seconds=2)
    bot.deliver()
    card = owner_cards(bot, handoff)
    assert len(card) == 1 and "Accepted" in str(card[0].blocks)
    assert all(r.status == OUT_DONE for r in rows(bot))


def test_unreachable_slack_keeps_the_rows_pending(bot, runtime, clock, slack):
    routed(bot)
    from slack_sdk import WebClient

    nowhere = WebClient(
        token="xoxb-x", base_url="http://127.0.0.1:9/api/", timeout=1, retry_handlers=[]
    )
    worker = build_worker(engine=runtime.engine, config=runtime.config, client=nowhere, clock=clock)
    worker.run_once()
    assert {r.status for r in rows(bot)} == {OUT_PENDING}
    assert all(r.attempts == 1 and r.last_error for r in rows(bot))
    _ = SlackApiError  # (kept for readers: API errors are classified in bot.delivery.worker)
