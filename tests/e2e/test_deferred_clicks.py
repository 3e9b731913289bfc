"""A one-click button's work queued for the delivery process (handlers/later.py), through
signed requests: the click is acked and queued in one go, its work done once by the
`ClickRunner` (the delivery process's part, here with its thread stopped so each step can
be seen), a click left running by a process that died is taken again, a listener that
fails tells its clicker, and a button that opens a form is never queued."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from sqlmodel import select

from bot import ids
from bot.views.problems import OUR_FAULT
from handlers.actions import one_click
from handlers.later import MAX_ATTEMPTS, ClickRunner
from storage.clicks import STALE, take_clicks
from storage.db import unit_of_work
from storage.models import ACCEPTED, CLICK_DONE, CLICK_FAILED, PENDING, Event, Handoff, QueuedClick
from tests import factories as f
from tests.helpers import cards_for, click_card, ephemeral_texts, wait_for


@pytest.fixture
def queuing_bot(deferring_bot):
    assert deferring_bot.clicks is not None
    deferring_bot.clicks.stop()  # the test runs the queued clicks itself
    return deferring_bot


def queued(bot: Any) -> list[QueuedClick]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(QueuedClick).order_by(QueuedClick.id)).all())


def status_of(bot: Any, handoff_id: int) -> str:
    with unit_of_work(bot.runtime.engine) as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff.status


def accepted_events(bot: Any) -> int:
    with unit_of_work(bot.runtime.engine) as session:
        return len(session.exec(select(Event).where(Event.kind == ACCEPTED)).all())


def click_accept(bot: Any, user: str | None = None) -> tuple[Any, Any]:
    routed = f.routed_handoff(bot)
    handoff = routed.handoff
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)[0]
    response = click_card(bot, user or handoff.owner_id, ids.ACCEPT, handoff, card)
    assert response.status_code == 200
    wait_for(lambda: len(queued(bot)) == 1)
    return handoff, response


def test_an_accept_is_acked_and_queued_then_decided_once_by_the_runner(queuing_bot):
    bot = queuing_bot
    handoff, response = click_accept(bot)
    [click] = queued(bot)
    assert (click.action_id, click.user_id, click.status) == (
        ids.ACCEPT,
        handoff.owner_id,
        "pending",
    )
    assert click.body and click.body["actions"][0]["value"] == str(handoff.id)
    assert status_of(bot, handoff.id) == PENDING  # nothing done in the web process

    assert bot.peer.resend(response).status_code == 200  # Slack's retry: queued once
    assert len(queued(bot)) == 1

    assert bot.clicks.run_pending() == 1
    assert bot.clicks.run_pending() == 0
    assert status_of(bot, handoff.id) == ACCEPTED and accepted_events(bot) == 1
    assert [c.status for c in queued(bot)] == [CLICK_DONE]
    assert bot.slack.state.home(handoff.owner_id) is not None  # the clicker's Home refreshed
    bot.deliver()
    [card] = cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)
    assert card.edited is not None  # the card updated in place, from the outbox


def test_a_refused_click_is_answered_ephemerally_by_the_runner(queuing_bot):
    bot = queuing_bot
    handoff, _ = click_accept(bot, user=f.EVE)  # an AE of another team
    assert ephemeral_texts(bot.slack, f.EVE) == []
    bot.clicks.run_pending()
    [text] = ephemeral_texts(bot.slack, f.EVE)
    assert "Only" in text
    assert status_of(bot, handoff.id) == PENDING


def test_a_click_left_running_by_a_process_that_died_is_done_once(queuing_bot, clock):
    bot = queuing_bot
    handoff, _ = click_accept(bot)
    with unit_of_work(bot.runtime.engine) as session:  # a delivery process takes it, and dies
        assert len(take_clicks(session=session, now=clock(), limit=8)) == 1
    assert bot.clicks.run_pending() == 0  # still its, for a minute
    clock.advance(seconds=STALE.total_seconds() + 1)
    assert bot.clicks.run_pending() == 1
    [click] = queued(bot)
    assert (click.status, click.attempts) == (CLICK_DONE, 2)
    assert status_of(bot, handoff.id) == ACCEPTED and accepted_events(bot) == 1


def test_the_delivery_process_started_in_its_place_does_its_click_at_once(queuing_bot, clock):
    bot = queuing_bot
    handoff, _ = click_accept(bot)
    with unit_of_work(bot.runtime.engine) as session:  # serve's child takes it, and dies
        assert len(take_clicks(session=session, now=clock(), limit=8, holder="serve-1")) == 1
    successor = ClickRunner(bot.runtime, bot.clicks.client, one_click(), holder="serve-1")
    assert successor.take_back() == 1  # the clock has not moved
    assert successor.run_pending() == 1
    [click] = queued(bot)
    assert (click.status, click.attempts) == (CLICK_DONE, 2)
    assert status_of(bot, handoff.id) == ACCEPTED and accepted_events(bot) == 1


def test_a_click_whose_process_keeps_dying_gives_up_and_says_so(queuing_bot, clock):
    bot = queuing_bot
    handoff, _ = click_accept(bot)
    for _ in range(MAX_ATTEMPTS):
        with unit_of_work(bot.runtime.engine) as session:
            assert len(take_clicks(session=session, now=clock(), limit=8)) == 1
        clock.advance(seconds=STALE.total_seconds() + 1)
    assert bot.clicks.run_pending() == 1
    [click] = queued(bot)
    assert (click.status, click.error) == (CLICK_FAILED, f"given up after {MAX_ATTEMPTS} attempts")
    assert status_of(bot, handoff.id) == PENDING
    assert ephemeral_texts(bot.slack, handoff.owner_id) == [OUR_FAULT]


def test_a_listener_that_fails_tells_the_clicker_and_the_click_is_failed(queuing_bot, monkeypatch):
    bot = queuing_bot

    def broken(ack: Any, body: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setitem(bot.clicks.listeners, ids.ACCEPT, broken)
    handoff, _ = click_accept(bot)
    assert bot.clicks.run_pending() == 1
    [click] = queued(bot)
    assert click.status == CLICK_FAILED
    assert click.error == "RuntimeError: the database went away"
    assert ephemeral_texts(bot.slack, handoff.owner_id) == [OUR_FAULT]


def test_a_click_of_an_unknown_button_fails_without_running_anything(queuing_bot):
    bot = queuing_bot
    click_accept(bot)
    bot.clicks.listeners.pop(ids.ACCEPT)
    bot.clicks.run_pending()
    [click] = queued(bot)
    assert (click.status, click.error) == (CLICK_FAILED, f"no listener for {ids.ACCEPT!r}")


def test_a_button_that_opens_a_form_is_never_queued(queuing_bot):
    bot = queuing_bot
    routed = f.routed_handoff(bot)
    handoff = routed.handoff
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)[0]
    assert click_card(bot, handoff.owner_id, ids.REJECT, handoff, card).status_code == 200
    wait_for(lambda: bot.slack.state.calls("views.open"))
    assert queued(bot) == []


def test_no_queued_button_opens_a_form():
    """A form needs the click's trigger_id within 3 s: never left to the queue."""
    for action_id, listener in one_click().items():
        assert "views_open" not in inspect.getsource(listener), action_id


def test_without_the_delivery_process_a_click_is_done_in_the_web_process(bot):
    assert bot.clicks is None
    routed = f.routed_handoff(bot)
    handoff = routed.handoff
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)[0]
    click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    wait_for(lambda: status_of(bot, handoff.id) == ACCEPTED)
    assert queued(bot) == []


def test_one_persons_clicks_run_in_the_order_they_clicked_and_others_alongside(runtime):
    """On the runner's threads: U1's second click starts only once their first has ended,
    while U2's click runs alongside U1's first."""
    import threading

    from storage.clicks import queue_click

    log: list[str] = []
    other_started, lock = threading.Event(), threading.Lock()

    def listener(body: dict[str, Any]) -> None:
        name = body["name"]
        with lock:
            log.append(f"start {name}")
        if name == "U1-first":
            assert other_started.wait(10)  # U2's click runs meanwhile, on another thread
        if name == "U2-only":
            other_started.set()
        with lock:
            log.append(f"end {name}")

    def queue(name: str, user: str) -> None:
        body = {"user": {"id": user}, "actions": [{"action_id": "a"}], "name": name}
        with unit_of_work(runtime.engine) as session:
            assert queue_click(name, "a", user, body, session=session, now=runtime.clock())

    for name, user in [("U1-first", "U1"), ("U1-second", "U1"), ("U2-only", "U2")]:
        queue(name, user)
    runner = ClickRunner(runtime, None, {"a": listener}, workers=8, tick=0.05)  # type: ignore[arg-type]
    runner.start()
    try:
        wait_for(lambda: sum(entry.startswith("end") for entry in log) == 3, timeout=20)
    finally:
        runner.stop()
    assert log.index("start U2-only") < log.index("end U1-first")  # alongside
    assert log.index("end U1-first") < log.index("start U1-second")  # in turn
