"""A click is answered before its work: while another writer holds SQLite's write lock
(intake, the delivery worker), 16 Accept clicks at once are all acked, and once the lock
is free each is recorded exactly once. A replay that arrives after its original was
acked still does nothing."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot import ids
from storage.db import read_only, unit_of_work
from storage.models import ACCEPTED, Event, Handoff
from tests import factories as f
from tests.helpers import wait_for


@pytest.fixture
def bot(either_bot):
    """Each test twice: a one-click button's work done in the web process, and queued for
    the delivery process (handlers/later.py)."""
    return either_bot


CLICKS = 16  # twice the listeners' work slots


def accepted_events(bot: Any) -> list[int | None]:
    with read_only(bot.runtime.engine) as session:  # no write lock: it is taken
        events = session.exec(select(Event).where(Event.kind == ACCEPTED)).all()
        return [e.handoff_id for e in events]


def click_accept(bot: Any, handoff: Handoff) -> httpx.Response:
    assert handoff.owner_channel and handoff.owner_ts
    return bot.peer.click(
        handoff.owner_id,
        ids.ACCEPT,
        str(handoff.id),
        message_channel=handoff.owner_channel,
        message_ts=handoff.owner_ts,
    )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_clicks_are_acked_while_another_writer_holds_the_lock(bot):
    handoffs = [f.routed_handoff(bot).handoff for _ in range(CLICKS)]
    with unit_of_work(bot.runtime.engine) as session:
        handoffs = [session.get(Handoff, h.id) for h in handoffs]  # with their cards
    bot.peer.timeout = 5.0  # well inside SQLite's 30 s busy timeout
    database = bot.runtime.engine.url.database
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        with ThreadPoolExecutor(max_workers=CLICKS) as pool:
            answers = list(pool.map(lambda h: click_accept(bot, h), handoffs))
        assert [a.status_code for a in answers] == [200] * CLICKS
        assert accepted_events(bot) == []  # answered, the work still waiting for the lock
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    wait_for(lambda: len(accepted_events(bot)) == CLICKS, timeout=20)
    assert sorted(accepted_events(bot)) == sorted(h.id for h in handoffs)
    replayed = click_accept(bot, handoffs[0])  # a new click: told it is already decided
    assert replayed.status_code == 200
    with unit_of_work(bot.runtime.engine) as session:
        statuses = {session.get(Handoff, h.id).status for h in handoffs}
    assert statuses == {ACCEPTED}
    assert len(accepted_events(bot)) == CLICKS


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_replay_after_the_ack_is_answered_and_does_nothing(bot):
    handoff = f.routed_handoff(bot).handoff
    with unit_of_work(bot.runtime.engine) as session:
        handoff = session.get(Handoff, handoff.id)
    first = click_accept(bot, handoff)
    wait_for(lambda: accepted_events(bot))
    request = first.request
    body, content_type = request.content.decode(), request.headers["Content-Type"]
    again = bot.peer.post(body, content_type, retry_num=1)
    assert (again.status_code, again.text) == (200, "")
    events_before = len(accepted_events(bot))
    bot.deliver()
    assert len(accepted_events(bot)) == events_before == 1
