"""Group commit (bot/intake/writer.py): leads that arrive together are stored in one
transaction, each answered only once it is committed, and one failing lead never loses or
wrongly answers the others.

To make a batch for certain, the test holds SQLite's write lock from another connection
while it submits: the writer's first lead waits on the lock, the rest queue behind it and
are then written together.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError

from bot.intake.service import IntakeResult
from bot.intake.validate import LeadInput, validate_lead
from bot.intake.writer import IntakeWriter
from storage.db import make_engine
from storage.models import Event, Handoff, Lead, Outbox
from tests import factories as f
from tests.helpers import wait_for

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def lead(**fields: object) -> LeadInput:
    data, errors = validate_lead(f.lead_body(**fields))
    assert data is not None, errors
    return data


@contextmanager
def write_lock(engine: Engine) -> Iterator[None]:
    """Hold SQLite's write lock (BEGIN IMMEDIATE) until the block ends."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # the engine begins it with BEGIN IMMEDIATE
        try:
            yield
        finally:
            conn.rollback()


def submitted_together(writer: IntakeWriter, leads: list[LeadInput]) -> list[Future]:
    """Submit `leads` while the writer waits on the lock with a lead of its own (the
    first answer): the others are then written as one batch."""
    with write_lock(writer.runtime.engine):
        first = writer.submit(lead())
        wait_for(lambda: writer._queue.qsize() == 0)  # the writer took it and waits
        answers = [first] + [writer.submit(one) for one in leads]
        assert not any(a.done() for a in answers)  # nothing answered before its commit
    return answers


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def writer(runtime) -> Iterator[IntakeWriter]:
    writer = IntakeWriter(runtime)
    yield writer
    writer.close()


@SQLITE
def test_the_same_lead_sent_at_once_is_one_lead_one_202_and_duplicates(writer, runtime):
    body = f.lead_body()
    same, errors = validate_lead(body)
    assert same is not None, errors
    answers = submitted_together(writer, [same, same, same, same])
    results: list[IntakeResult] = [a.result(timeout=30) for a in answers[1:]]
    statuses = Counter((r.http_status, r.body["status"]) for r in results)
    assert statuses == {(202, "routed"): 1, (200, "duplicate"): 3}
    assert len({r.body["id"] for r in results}) == 1
    with runtime.engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).where(Lead.external_id == body["external_id"])
        ).scalar_one()
        handoffs = conn.execute(select(func.count()).select_from(Handoff)).scalar_one()
    assert stored == 1
    assert handoffs == 2  # the first lead's and this one's: the duplicates made none


@SQLITE
def test_one_failing_lead_in_a_batch_leaves_the_others_stored_and_answered(writer, runtime):
    with runtime.engine.begin() as conn:  # a fault the database raises for one email
        conn.execute(
            text(
                "CREATE TRIGGER refuse_one BEFORE INSERT ON lead WHEN NEW.email = "
                "'refused@acme.example' BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
            )
        )
    leads = [lead() for _ in range(3)] + [lead(email="refused@acme.example")] + [lead()]
    answers = submitted_together(writer, leads)
    with pytest.raises(DBAPIError, match="injected fault"):
        answers[4].result(timeout=30)
    good = [a.result(timeout=30) for i, a in enumerate(answers) if i != 4]
    assert [r.http_status for r in good] == [202] * 5
    assert len({r.body["id"] for r in good}) == 5
    assert count(runtime.engine, Lead) == 5
    with runtime.engine.connect() as conn:
        ids = set(conn.execute(select(Lead.id)).scalars())
        received = conn.execute(select(Event.lead_id).where(Event.kind == "received")).scalars()
        assert set(received) == ids == {r.body["id"] for r in good}
    assert count(runtime.engine, Outbox) == 2 * sum(r.body["status"] == "routed" for r in good)


@SQLITE
def test_leads_in_one_batch_share_one_commit(writer, runtime):
    commits: list[int] = []
    event.listen(runtime.engine, "commit", lambda _conn: commits.append(1))
    answers = submitted_together(writer, [lead() for _ in range(6)])
    assert all(a.result(timeout=30).http_status == 202 for a in answers)
    assert len(commits) == 2  # the lead that waited on the lock, then the other five


@SQLITE
def test_a_database_that_cannot_be_written_refuses_every_lead_of_a_batch(bot):
    healthy = bot.runtime.engine
    bot.runtime.engine = make_engine(f"sqlite:///file:{healthy.url.database}?mode=ro&uri=true")
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: bot.post_lead(f.lead_body()), range(8)))
    finally:
        bot.runtime.engine.dispose()
        bot.runtime.engine = healthy
    assert [a.status_code for a in answers] == [503] * 8
    assert all("not stored" in a.json()["error"] for a in answers)
    assert count(healthy, Lead) == 0


@SQLITE
def test_concurrent_requests_for_one_lead_over_http_get_one_202(bot):
    body = f.lead_body()
    start = threading.Barrier(12)

    def post(_: int):
        start.wait()
        return bot.post_lead(body)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(post, range(12)))
    assert Counter(a.status_code for a in answers) == {202: 1, 200: 11}
    assert {a.json()["id"] for a in answers} == {answers[0].json()["id"]}
    assert {a.json()["status"] for a in answers if a.status_code == 200} == {"duplicate"}
    assert count(bot.runtime.engine, Lead) == 1


@SQLITE
def test_the_delivery_lanes_are_woken_once_per_interval_under_load_and_never_left_asleep(runtime):
    wakes: list[float] = []
    runtime.wake = lambda: wakes.append(time.monotonic())
    writer = IntakeWriter(runtime, wake_every=0.5)
    try:
        assert writer.submit(lead()).result(timeout=30).body["status"] == "routed"
        wait_for(lambda: len(wakes) == 1)  # a lone lead wakes them at once
        answered: list[float] = []
        answers = [writer.submit(lead()) for _ in range(40)]
        for answer in answers:
            answer.add_done_callback(lambda _: answered.append(time.monotonic()))
        assert all(a.result(timeout=30).body["status"] == "routed" for a in answers)
        # the last commit is followed by a wake, once the interval is over
        wait_for(lambda: wakes[-1] >= max(answered))
        gaps = [later - earlier for earlier, later in pairwise(wakes)]
        assert gaps and min(gaps) >= 0.5  # the burst's commits shared their wakes
    finally:
        writer.close()
