"""Sessions: writers queue on SQLite's lock up front; readers never hold it."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlmodel import select

from storage import db
from storage.db import _write_ahead_log, make_engine, read_only, unit_of_work
from storage.migrate import upgrade
from storage.models import Person


def test_a_long_read_does_not_block_a_writer_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    wrote = threading.Event()

    def writer() -> None:
        with unit_of_work(engine) as session:
            session.add(Person(slack_id="U0W", name="W", email="w@x.example", role="ae"))
        wrote.set()

    with read_only(engine) as session:
        session.exec(select(Person)).all()  # the read transaction is open
        thread = threading.Thread(target=writer)
        thread.start()
        assert wrote.wait(5), "the writer waited for the reader"
    thread.join()
    with read_only(engine) as session:
        assert [p.slack_id for p in session.exec(select(Person)).all()] == ["U0W"]


def test_read_only_sessions_commit_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with read_only(engine) as session:
        session.add(Person(slack_id="U0R", name="R", email="r@x.example", role="ae"))
        session.flush()
    with read_only(engine) as session:
        assert session.exec(select(Person)).all() == []


class LockedAtFirst:
    """A cursor on a new file that other processes are opening too: SQLite answers the
    switch to WAL with "database is locked" (at once, not after the busy timeout)."""

    def __init__(self, refusals: int, error: str = "database is locked") -> None:
        self.refusals, self.error, self.mode = refusals, error, "delete"

    def execute(self, sql: str) -> LockedAtFirst:
        if sql == "PRAGMA journal_mode=WAL":
            if self.refusals:
                self.refusals -= 1
                raise sqlite3.OperationalError(self.error)
            self.mode = "wal"
        return self

    def fetchone(self) -> tuple[str]:
        return (self.mode,)


def test_the_switch_to_wal_is_retried_while_the_file_is_locked():
    cursor = LockedAtFirst(refusals=3)
    _write_ahead_log(cursor)  # type: ignore[arg-type]
    assert cursor.mode == "wal" and cursor.refusals == 0


def test_a_file_already_in_wal_is_not_switched_again():
    cursor = LockedAtFirst(refusals=1)
    cursor.mode = "wal"
    _write_ahead_log(cursor)  # type: ignore[arg-type]
    assert cursor.refusals == 1  # never asked


def test_other_errors_and_a_lock_that_outlasts_the_timeout_are_raised(monkeypatch):
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _write_ahead_log(LockedAtFirst(refusals=1, error="disk I/O error"))  # type: ignore[arg-type]
    monkeypatch.setattr(db, "WAL_SWITCH_SECONDS", 0.05)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _write_ahead_log(LockedAtFirst(refusals=10_000))  # type: ignore[arg-type]


def test_a_new_file_is_opened_in_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
