"""Background loops back off while they keep failing, log one line per distinct failure
(not one per try), and say so once when they recover."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError

from bot.delivery import DeliveryThread
from bot.delivery.backoff import Backoff, failure_signature
from bot.digest.schedule import enqueue_now
from bot.runtime import Runtime
from bot.scheduler import start_scheduler
from bot.server import build_worker, prepare_database
from storage.db import unit_of_work
from storage.models import OUT_DONE, Outbox
from tests.conftest import slack_client
from tests.helpers import wait_for

CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:9/handshake"  # discard: nothing listens


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def problems(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


def test_backoff_doubles_to_its_cap_logs_each_distinct_failure_once_and_resets(caplog):
    ticker, log = Ticker(), logging.getLogger("handshake.test")
    backoff = Backoff("job", log, base=1, cap=8, monotonic=ticker)
    delays = [backoff.failed(RuntimeError("disk full")) for _ in range(6)]
    assert delays == [1, 2, 4, 8, 8, 8]
    backoff.failed(ValueError("something else"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage().split(" (")[0] for r in errors] == [
        "job failing: RuntimeError: disk full",
        "job failing: ValueError: something else",
    ]
    assert all(r.exc_info for r in errors)  # the traceback, once per distinct failure
    ticker.now = 30
    backoff.succeeded()
    assert "job recovered after 7 failed tries over 30s" in caplog.text
    assert backoff.failed(RuntimeError("disk full")) == 1  # reset on success


def test_run_skips_tries_while_waiting():
    ticker, calls = Ticker(), []
    backoff = Backoff("job", logging.getLogger("handshake.test"), base=10, cap=60, monotonic=ticker)

    def broken() -> None:
        calls.append(ticker.now)
        raise RuntimeError("down")

    for second in range(100):
        ticker.now = float(second)
        backoff.run(broken)
    assert calls == [0, 10, 30, 70]


def test_a_database_error_is_told_by_the_drivers_message_not_the_statement():
    def error(statement: str) -> OperationalError:
        return OperationalError(statement, {}, Exception("attempt to write a readonly database"))

    assert failure_signature(error("UPDATE outbox ...")) == failure_signature(
        error("SELECT min(outbox.next_attempt_at) ...")
    )


def test_the_delivery_thread_backs_off_on_an_unwritable_database_and_recovers(
    tmp_path, config, clock, slack, caplog
):
    engine = prepare_database(f"sqlite:///{tmp_path / 'handshake.db'}", config)
    row_id = enqueue_now(engine=engine, now=clock())
    unwritable = {"on": True}

    @event.listens_for(engine, "checkout")
    def _query_only(dbapi_conn, _record, _proxy):  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA query_only = {int(unwritable['on'])}")

    worker = build_worker(engine=engine, config=config, client=slack_client(slack), clock=clock)
    thread = DeliveryThread(worker, tick_seconds=0.05)
    tries = []
    run_once = worker.run_once
    worker.run_once = lambda: (tries.append(1), run_once())[1]  # type: ignore[method-assign]
    thread.start()
    try:
        time.sleep(2.5)
        assert 2 <= len(tries) <= 4  # 1s, then 2s: not 20 a second
        [failing] = problems(caplog, "handshake.delivery")
        assert "readonly database" in failing.getMessage() and failing.exc_info
        unwritable["on"] = False
        thread.wake()  # a commit elsewhere: the database works again
        wait_for(lambda: "delivery recovered" in caplog.text, timeout=10)
        with unit_of_work(engine) as session:
            wait_for(lambda: session.get(Outbox, row_id).status == OUT_DONE, timeout=10)
    finally:
        thread.stop()
        engine.dispose()
    assert len(problems(caplog, "handshake.delivery")) == 2  # failing, recovered


@pytest.mark.parametrize("backend", ["postgres"])
def test_the_scheduler_backs_off_while_the_database_is_unreachable(engine, config, clock, caplog):
    unreachable = create_engine(CLOSED_PORT, connect_args={"connect_timeout": 2})
    runtime = Runtime(engine=unreachable, config=config, clock=clock)
    scheduler = start_scheduler(runtime, tick_seconds=0.05)
    try:
        time.sleep(2)
        noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert 1 <= len(noisy) <= 2, [r.getMessage() for r in noisy]  # the tick, the digest
        assert all("failing: OperationalError" in r.getMessage() for r in noisy)
        runtime.engine = engine
        wait_for(lambda: "scheduler tick recovered" in caplog.text, timeout=10)
    finally:
        scheduler.shutdown(wait=True)
        unreachable.dispose()
