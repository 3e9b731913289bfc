"""Clicks queued for the delivery process: queued once per request key, taken once, taken
again only when left running by a process that died, one person's in the order they
clicked, settled, and pruned after a day."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.clicks import (
    STALE,
    clicks_waiting,
    finish_click,
    prune_clicks,
    queue_click,
    take_back_clicks,
    take_clicks,
)
from storage.db import unit_of_work
from storage.models import CLICK_DONE, CLICK_FAILED, CLICK_RUNNING, QueuedClick, SeenRequest
from tests import factories as f

BODY = {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "accept"}]}


def queue(engine, key: str, now, user: str | None = None) -> bool:
    """Each key is its own person's click unless `user` says whose."""
    with unit_of_work(engine) as session:
        return queue_click(key, "accept", user or f"U-{key}", BODY, session=session, now=now)


def take(engine, now, limit: int = 10, holder=None) -> list[tuple[int, str, int]]:
    with unit_of_work(engine) as session:
        taken = take_clicks(session=session, now=now, limit=limit, holder=holder)
        return [(c.id, c.key, c.attempts) for c in taken]


def test_a_click_is_queued_once_per_request_key_with_its_claim(engine):
    now = f.FakeClock()()
    assert queue(engine, "block_actions:a", now)
    assert not queue(engine, "block_actions:a", now)  # a retry or replay: nothing queued
    with unit_of_work(engine) as session:
        rows = session.exec(select(QueuedClick)).all()
        assert [(r.key, r.action_id, r.user_id, r.body) for r in rows] == [
            ("block_actions:a", "accept", "U-block_actions:a", BODY)
        ]
        assert session.get(SeenRequest, "block_actions:a") is not None  # the claim itself
        assert clicks_waiting(session=session) == 1


def test_clicks_are_taken_oldest_first_once_each_up_to_the_limit(engine):
    now = f.FakeClock()()
    for n in range(5):
        queue(engine, f"k{n}", now + timedelta(seconds=n))
    first = take(engine, now + timedelta(seconds=10), limit=3)
    assert [key for _, key, _ in first] == ["k0", "k1", "k2"]
    assert [attempts for *_, attempts in first] == [1, 1, 1]
    second = take(engine, now + timedelta(seconds=10))
    assert [key for _, key, _ in second] == ["k3", "k4"]
    assert take(engine, now + timedelta(seconds=10)) == []  # all running, none stale
    assert take(engine, now, limit=0) == []


def test_one_persons_clicks_are_taken_one_at_a_time_in_the_order_they_clicked(engine):
    now = f.FakeClock()()
    for n, user in enumerate(["U1", "U2", "U1", "U1", "U2"]):
        queue(engine, f"k{n}-{user}", now + timedelta(seconds=n), user=user)
    first = take(engine, now + timedelta(seconds=10))
    assert [key for _, key, _ in first] == ["k0-U1", "k1-U2"]  # each person's first only
    assert take(engine, now + timedelta(seconds=10)) == []  # the rest wait their turn
    with unit_of_work(engine) as session:
        finish_click(first[0][0], session=session, now=now, error="boom")  # failed: next
    assert [key for _, key, _ in take(engine, now + timedelta(seconds=10))] == ["k2-U1"]
    with unit_of_work(engine) as session:
        finish_click(first[1][0], session=session, now=now)
    [(last, key, _)] = take(engine, now + timedelta(seconds=10))
    assert key == "k4-U2"
    with unit_of_work(engine) as session:
        finish_click(last, session=session, now=now)
    # a click left running by a process that died is taken again first, still in turn
    [(again, key, attempts)] = take(engine, now + STALE + timedelta(seconds=11))
    assert (key, attempts) == ("k2-U1", 2)
    with unit_of_work(engine) as session:
        finish_click(again, session=session, now=now)
    assert [key for _, key, _ in take(engine, now + STALE + timedelta(seconds=11))] == ["k3-U1"]


def test_a_click_left_running_is_taken_again_after_a_minute_and_settled_once(engine):
    now = f.FakeClock()()
    queue(engine, "k", now)
    [(click_id, _, _)] = take(engine, now)
    assert take(engine, now + STALE - timedelta(seconds=1)) == []
    assert take(engine, now + STALE + timedelta(seconds=1)) == [(click_id, "k", 2)]
    with unit_of_work(engine) as session:
        finish_click(click_id, session=session, now=now + STALE)
    assert take(engine, now + 10 * STALE) == []  # done: never again
    with unit_of_work(engine) as session:
        click = session.get(QueuedClick, click_id)
        assert (click.status, click.error) == (CLICK_DONE, None)
        assert clicks_waiting(session=session) == 0


def test_a_restarted_delivery_process_takes_back_its_predecessors_clicks_at_once(engine):
    """Only the clicks its own holder left running; another holder's wait for `STALE`."""
    now = f.FakeClock()()
    queue(engine, "mine", now)
    queue(engine, "theirs", now + timedelta(seconds=1))
    [(mine, _, _)] = take(engine, now, limit=1, holder="serve-1")
    [(theirs, _, _)] = take(engine, now, limit=1, holder="serve-2")
    with unit_of_work(engine) as session:
        assert session.get(QueuedClick, mine).taken_by == "serve-1"
        assert take_back_clicks("serve-1", session=session) == 1
        assert take_back_clicks("serve-1", session=session) == 0
    assert take(engine, now, holder="serve-1") == [(mine, "mine", 2)]  # the clock has not moved
    with unit_of_work(engine) as session:
        assert session.get(QueuedClick, theirs).status == CLICK_RUNNING


def test_a_failed_click_keeps_its_reason_shortened(engine):
    now = f.FakeClock()()
    queue(engine, "k", now)
    [(click_id, _, _)] = take(engine, now)
    with unit_of_work(engine) as session:
        finish_click(click_id, session=session, now=now, error="boom " * 200)
    with unit_of_work(engine) as session:
        click = session.get(QueuedClick, click_id)
        assert click.status == CLICK_FAILED
        assert click.error.startswith("boom boom") and len(click.error) == 500


def test_settled_clicks_are_pruned_after_a_day_and_waiting_ones_never(engine):
    now = f.FakeClock()()
    old = now - timedelta(days=2)
    for key in ("done", "failed", "running", "pending"):
        queue(engine, key, old)
    taken = {key: click_id for click_id, key, _ in take(engine, old, limit=3)}
    with unit_of_work(engine) as session:
        finish_click(taken["done"], session=session, now=old)
        finish_click(taken["failed"], session=session, now=old, error="x")
        finish_click(queue_id(session, "recent", now), session=session, now=now)
    with unit_of_work(engine) as session:
        assert prune_clicks(session=session, now=now) == 2
        assert prune_clicks(session=session, now=now) == 0
    with unit_of_work(engine) as session:
        left = {c.key: c.status for c in session.exec(select(QueuedClick)).all()}
    assert left == {"running": CLICK_RUNNING, "pending": "pending", "recent": CLICK_DONE}


def queue_id(session, key: str, now) -> int:
    assert queue_click(key, "accept", f"U-{key}", BODY, session=session, now=now)
    session.flush()
    return session.exec(select(QueuedClick).where(QueuedClick.key == key)).one().id
