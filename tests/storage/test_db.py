"""Sessions: writers queue on SQLite's lock up front; readers never hold it."""

from __future__ import annotations

import threading

from sqlmodel import select

from storage.db import make_engine, read_only, unit_of_work
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
