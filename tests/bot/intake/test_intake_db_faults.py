"""The database goes away: intake refuses with 503 and /healthz says so (issue 8).

Tests run as root, for whom chmod stops nothing: the faults are made so that they really
fail for root (a read-only URI, SQLite's max_page_count for a full disk, PostgreSQL's
default_transaction_read_only, a deleted file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from storage.db import make_engine, write_problem
from tests import factories as f

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def db_file(bot) -> Path:
    return Path(bot.runtime.engine.url.database)


def assert_refused(bot) -> None:
    response = bot.post_lead(f.lead_body())
    assert response.status_code == 503, response.text
    assert "not stored" in response.json()["error"]
    assert response.headers["retry-after"] == "30"
    assert bot.http.get("/healthz").status_code == 503


@SQLITE
def test_deleted_sqlite_file_is_503_not_202(bot):
    assert bot.post_lead(f.lead_body()).status_code == 202
    path = db_file(bot)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert_refused(bot)
    assert_refused(bot)  # and again: no connection quietly made a new, empty file
    assert not path.exists()


@SQLITE
def test_replaced_sqlite_file_is_503(bot, tmp_path):
    path = db_file(bot)
    path.unlink()
    path.write_bytes(b"")
    assert_refused(bot)


@SQLITE
def test_read_only_sqlite_database_is_503(bot):
    healthy = bot.runtime.engine
    bot.runtime.engine = make_engine(f"sqlite:///file:{db_file(bot)}?mode=ro&uri=true")
    try:
        assert_refused(bot)
    finally:
        bot.runtime.engine.dispose()
        bot.runtime.engine = healthy
    assert bot.post_lead(f.lead_body()).status_code == 202


@SQLITE
def test_full_sqlite_disk_is_503(bot):
    engine = bot.runtime.engine

    def full(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    event.listen(engine, "connect", full)
    try:
        big = f.lead_body(notes="n" * 90_000)  # needs new pages: "database or disk is full"
        response = bot.post_lead(big)
        assert response.status_code == 503, response.text
        assert "not stored" in response.json()["error"]
    finally:
        event.remove(engine, "connect", full)
        engine.dispose()
    assert bot.post_lead(f.lead_body()).status_code == 202


@pytest.fixture
def read_only_postgres(postgres_engine) -> Iterator[None]:
    name = postgres_engine.url.database
    with postgres_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    postgres_engine.dispose()
    try:
        yield
    finally:
        with postgres_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET default_transaction_read_only = off"))
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        postgres_engine.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_read_only_postgres_database_is_503(bot, read_only_postgres):
    assert_refused(bot)


def test_write_problem_names_the_fault(tmp_path):
    path = tmp_path / "probe.db"
    engine = make_engine(f"sqlite:///{path}")
    assert write_problem(engine) is None  # an empty database can be written
    ro = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert "readonly" in (write_problem(ro) or "")
    ro.dispose()
    os.remove(path)
    assert "deleted or replaced" in (write_problem(engine) or "")
    engine.dispose()  # new connections refuse too, and create no empty file in its place
    assert "deleted or replaced" in (write_problem(engine) or "")
    assert not path.exists()
