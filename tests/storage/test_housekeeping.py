"""Housekeeping prunes what only piles up, in bounded batches, and nothing still in use."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.runtime import Runtime
from bot.scheduler import run_housekeeping
from storage.clicks import finish_click, queue_click, take_clicks
from storage.db import unit_of_work
from storage.housekeeping import prune_settled_timers
from storage.lead_waits import add_wait, claim_wait
from storage.models import (
    ACCEPTED,
    FOLLOW_UP,
    PENDING,
    REJECTED,
    REMIND,
    TIMER_CANCELLED,
    TIMER_FIRED,
    TIMER_PENDING,
    SeenRequest,
    Timer,
)
from storage.requests import claim_request, prune_requests
from tests.storage.conftest import make_handoff

OLD = timedelta(days=40)


def keys(engine) -> set[str]:
    with unit_of_work(engine) as session:
        return set(session.exec(select(SeenRequest.key)).all())


def test_request_keys_go_a_batch_at_a_time_and_a_days_keys_stay(engine, now):
    with unit_of_work(engine) as session:
        for n in range(5):
            claim_request(f"old:{n}", session=session, now=now - timedelta(days=2, minutes=n))
        claim_request("recent", session=session, now=now - timedelta(hours=23))
    batches = []
    for _ in range(4):
        with unit_of_work(engine) as session:
            batches.append(prune_requests(session=session, now=now, limit=2))
    assert batches == [2, 2, 1, 0]
    assert keys(engine) == {"recent"}


def add_timer(session, handoff, *, status, kind=REMIND, due_ago=OLD):
    timer = Timer(
        kind=kind,
        handoff_id=handoff.id,
        due_at=handoff.created_at - due_ago + timedelta(days=60),
        status=status,
        created_at=handoff.created_at,
    )
    session.add(timer)
    session.flush()
    return timer.id


def test_only_settled_timers_of_closed_hand_offs_past_a_month_go(engine, now):
    later = now + timedelta(days=60)  # the timers below were due 40 days before this
    with unit_of_work(engine) as session:
        closed = make_handoff(session, status=REJECTED)
        gone = {
            add_timer(session, closed, status=TIMER_FIRED),
            add_timer(session, closed, status=TIMER_CANCELLED),
        }
        kept = {
            add_timer(session, closed, status=TIMER_FIRED, due_ago=timedelta(days=10)),
            add_timer(session, make_handoff(session, status=PENDING), status=TIMER_FIRED),
            add_timer(
                session,
                make_handoff(session, status=ACCEPTED),  # no first touch yet: Home shows it
                status=TIMER_FIRED,
                kind=FOLLOW_UP,
            ),
            add_timer(
                session,
                make_handoff(session, status=ACCEPTED, first_touch="contacted"),
                status=TIMER_PENDING,
            ),
        }
        touched = make_handoff(session, status=ACCEPTED, first_touch="contacted")
        gone.add(add_timer(session, touched, status=TIMER_FIRED, kind=FOLLOW_UP))
    with unit_of_work(engine) as session:
        assert prune_settled_timers(session=session, now=later, limit=2) == 2
    with unit_of_work(engine) as session:
        assert prune_settled_timers(session=session, now=later, limit=2) == 1
    with unit_of_work(engine) as session:
        left = set(session.exec(select(Timer.id)).all())
    assert left == kept
    assert not gone & left


def test_housekeeping_runs_every_batch_it_needs_within_its_bound(engine, config, now):
    with unit_of_work(engine) as session:
        for n in range(7):
            claim_request(f"old:{n}", session=session, now=now - timedelta(days=2))
    runtime = Runtime(engine=engine, config=config, clock=lambda: now)
    assert run_housekeeping(runtime, batch=3, batches=2).requests == 6  # bounded: 2 batches
    assert run_housekeeping(runtime, batch=3, batches=2).requests == 1  # the rest, next run
    assert run_housekeeping(runtime, batch=3, batches=2).requests == 0


def test_housekeeping_prunes_settled_clicks_and_fired_waits_too(engine, config, now):
    """One of each: the job's report counts what each prune removed."""
    with unit_of_work(engine) as session:
        assert queue_click("old", "accept", "U1", {}, session=session, now=now - timedelta(days=2))
        session.flush()
        [click] = take_clicks(session=session, now=now - timedelta(days=2), limit=1)
        finish_click(click.id, session=session, now=now - timedelta(days=2))
        handoff = make_handoff(session)
        wait = add_wait(
            handoff.lead_id,
            session=session,
            arrived_at=now - OLD,
            give_up_at=now - OLD,
            due_at=now - OLD,
            signals=[],
        )
        session.flush()
        assert claim_wait(wait.id, session=session, now=now - OLD)
    runtime = Runtime(engine=engine, config=config, clock=lambda: now)
    report = run_housekeeping(runtime)
    assert (report.clicks, report.waits) == (1, 1)
    assert (run_housekeeping(runtime).clicks, run_housekeeping(runtime).waits) == (0, 0)
