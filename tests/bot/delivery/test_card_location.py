"""A note or an update waiting for its card is not dropped when the card's post finishes
between the job's first look and its check (another worker posting it meanwhile): the
note lands in the card's thread, the update redraws the card. A note that had to wait for
its card, posted on another route in the same `run_once`, is delivered by that run."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.config import parse_config
from bot.delivery.jobs import card_post, common, meeting
from bot.delivery.jobs.card_update import update_card
from bot.delivery.jobs.thread_reply import post_thread_note
from bot.services import meeting_decisions as md
from bot.services import notify
from bot.services.booking_form import Answer, Booking
from bot.services.decisions import ACCEPT, decide
from bot.services.meetings import RECORDED, book
from storage import outbox
from storage.db import unit_of_work
from storage.meetings import POST_MEETING_CARD, UPDATE_MEETING_CARD
from storage.models import OUT_DONE, Outbox
from tests import factories as f


@pytest.fixture
def config():
    return parse_config(f.config_data(routing={"first_line": "sdr"}))


def one_row(bot, kind: str, target: str | None = None) -> Outbox:
    with unit_of_work(bot.runtime.engine) as session:
        query = select(Outbox).where(Outbox.kind == kind, Outbox.status != OUT_DONE)
        if target is not None:
            query = query.where(Outbox.target == target)
        [row] = session.exec(query).all()
        session.expunge(row)
    return row


def posted_meanwhile(first_look: Callable[..., Any], post: Callable[[], None]) -> Callable:
    """The job's first look sees no card; the card is posted right after it."""
    pending = [post]

    def look(*args: Any) -> Any:
        seen = first_look(*args)
        while pending:
            pending.pop()()
        return seen

    return look


def test_a_thread_note_finds_the_channel_card_posted_meanwhile(bot, clock, monkeypatch):
    handoff = f.routed_handoff(bot, deliver=False).handoff
    card_row = one_row(bot, outbox.POST_CARD, "channel")
    with unit_of_work(bot.runtime.engine) as session:
        notify.thread_note(
            "nudge", handoff.id, session=session, now=clock(), owner=handoff.owner_id
        )
    note = one_row(bot, outbox.THREAD)
    post = lambda: card_post.post_card(bot.worker, card_row)  # noqa: E731
    monkeypatch.setattr(common, "handoff_of", posted_meanwhile(common.handoff_of, post))

    post_thread_note(bot.worker, note)

    [card] = [c for c in bot.slack.state.calls("chat.postMessage") if c.ok][:1]
    replies = [
        c
        for c in bot.slack.state.calls("chat.postMessage")
        if c.ok and c.params.get("thread_ts") == card.response["ts"]
    ]
    assert len(replies) == 1
    with unit_of_work(bot.runtime.engine) as session:
        done = session.get(Outbox, note.id)
        assert done is not None and done.status == OUT_DONE and done.last_error is None


def test_a_card_update_redraws_the_card_posted_meanwhile(bot, clock, monkeypatch):
    handoff = f.routed_handoff(bot, deliver=False).handoff
    card_row = one_row(bot, outbox.POST_CARD, "owner")
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime, now=clock())
    update = one_row(bot, outbox.UPDATE_CARD, "owner")
    post = lambda: card_post.post_card(bot.worker, card_row)  # noqa: E731
    monkeypatch.setattr(common, "handoff_of", posted_meanwhile(common.handoff_of, post))

    update_card(bot.worker, update)

    [redraw] = [c for c in bot.slack.state.calls("chat.update") if c.ok]
    assert "Accepted" in str(redraw.params["blocks"])


def test_a_meeting_card_update_redraws_the_card_posted_meanwhile(bot, clock, monkeypatch):
    handoff = f.routed_handoff(bot).handoff
    assert handoff.owner_id == f.SAM
    decide(handoff.id, f.SAM, ACCEPT, runtime=bot.runtime, now=clock())
    bot.deliver()
    answers = {code: Answer("yes", None) for code in ("VALUE", "PROFIT", "COMPETE")}
    booking = Booking(clock() + timedelta(days=1), f.ANA, answers, note=None,
                      suggested=f.ANA, rule="round_robin")  # fmt: skip
    outcome = book(handoff.id, f.SAM, booking, runtime=bot.runtime)
    assert outcome.result == RECORDED
    card_row = one_row(bot, POST_MEETING_CARD)
    md.decide_meeting(outcome.meeting.id, f.ANA, md.ACCEPT, runtime=bot.runtime)
    update = one_row(bot, UPDATE_MEETING_CARD)
    post = lambda: meeting.post_meeting_card(bot.worker, card_row)  # noqa: E731
    monkeypatch.setattr(meeting, "_context", posted_meanwhile(meeting._context, post))

    before = len(bot.slack.state.calls("chat.update"))

    meeting.update_meeting_card(bot.worker, update)

    redraws = [c for c in bot.slack.state.calls("chat.update")[before:] if c.ok]
    assert len(redraws) == 1 and "ccepted into pipeline" in str(redraws[0].params["blocks"])


def test_a_note_that_waited_for_its_card_in_the_same_run_is_delivered_by_it(bot, clock):
    handoff = f.routed_handoff(bot, deliver=False).handoff
    with unit_of_work(bot.runtime.engine) as session:
        notify.thread_note(
            "nudge", handoff.id, session=session, now=clock(), owner=handoff.owner_id
        )
    note = one_row(bot, outbox.THREAD)
    tried, jobs = threading.Event(), dict(bot.worker.jobs)

    def note_first(worker, row):  # the note (the owner's route) runs before the card's post
        try:
            jobs[outbox.THREAD](worker, row)
        finally:
            tried.set()

    def post_after_the_note(worker, row):
        if row.target == outbox.CHANNEL_TARGET:
            assert tried.wait(10)
        jobs[outbox.POST_CARD](worker, row)

    slowed = {**jobs, outbox.THREAD: note_first, outbox.POST_CARD: post_after_the_note}
    worker = dataclasses.replace(bot.worker, jobs=slowed)
    now = clock()

    worker.run_once()

    posts = [c for c in bot.slack.state.calls("chat.postMessage") if c.ok]
    [card] = [
        c for c in posts if c.params.get("channel") == f.CHANNEL and "thread_ts" not in c.params
    ]
    replies = [c for c in posts if c.params.get("thread_ts") == card.response["ts"]]
    assert len(replies) == 1  # the note, under the card, without the clock moving
    assert clock() == now
    with unit_of_work(bot.runtime.engine) as session:
        done = session.get(Outbox, note.id)
        assert done is not None and done.status == OUT_DONE
        assert done.attempts == 1  # the wait did not count as an attempt
