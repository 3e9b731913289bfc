"""Engine and unit-of-work sessions. The caller of a storage function commits."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session


class DatabaseGone(Exception):
    """The SQLite file this engine opened was deleted or replaced: writing now would be lost."""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=True,
            hide_parameters=True,  # an error's text names no lead's values: it gets logged
        )
        opened = _OpenedFile()
        event.listen(engine, "do_connect", opened.before_connect)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", opened.on_connect)
        event.listen(engine, "begin", opened.on_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy's "begin" event open every transaction as BEGIN IMMEDIATE, so
    # two writers queue on the lock instead of failing on a read-to-write upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    _write_ahead_log(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


WAL_SWITCH_SECONDS = 30.0


def _write_ahead_log(cur: sqlite3.Cursor) -> None:
    """Switch the file to WAL once (the mode is kept in the file). The switch needs the
    file to itself, and SQLite can answer "database is locked" at once, without waiting
    out the busy timeout, while other processes open the same new file: so look first,
    and retry the switch until it is done or the timeout has passed."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    pause = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


READ_ONLY = "handshake_read_only"


class _OpenedFile:
    """Remembers which file (device, inode) the engine first opened, and refuses to write
    once the path names another file or none: a deleted database keeps answering through
    its open descriptors, and everything written then is lost at the next start."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.identity: tuple[int, int] | None = None

    def on_connect(self, dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        if self.identity is None:
            rows = dbapi_conn.execute("PRAGMA database_list").fetchall()
            self.path = next((r[2] for r in rows if r[1] == "main"), "") or None
            self.identity = _identity(self.path) if self.path else None
        else:
            self.check()

    def before_connect(self, *_args: object) -> None:
        """Never let a new connection create a fresh, empty file where the database was."""
        self.check()

    def check(self) -> None:
        if self.path and self.identity and _identity(self.path) != self.identity:
            raise DatabaseGone(f"{self.path} was deleted or replaced since it was opened")

    def on_begin(self, conn: Connection) -> None:
        """Writers queue on the lock up front; readers (reports) take no write lock at all."""
        read_only = conn.get_execution_options().get(READ_ONLY)
        if not read_only:
            self.check()
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together at the end, or rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def rehearsal(engine: Engine) -> Iterator[Session]:
    """A session whose work is always rolled back at the end: a dry run sees everything it
    wrote (later work sees earlier work's effects) and leaves nothing behind."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def read_only(engine: Engine) -> Iterator[Session]:
    """A session for reading (reports, App Home): on SQLite it does not hold the write
    lock, so intake and decisions never wait for a long report. Nothing is committed."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as s:
        try:
            yield s
        finally:
            s.rollback()


def write_problem(engine: Engine) -> str | None:
    """Why nothing can be written now (read-only, full, deleted, unreachable), or None.

    Writes a row (or, on an empty database, creates a table) and rolls it back.
    """
    try:
        with engine.connect() as conn, conn.begin() as tx:
            if inspect(conn).has_table("alembic_version"):
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            else:
                conn.execute(text("CREATE TABLE handshake_write_probe (x INTEGER)"))
            tx.rollback()
    except DatabaseGone as exc:
        return str(exc)
    except DBAPIError as exc:
        return str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    return None


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def brief_error(exc: BaseException) -> str:
    """A database error for a log line: its class and the first line of the driver's own
    message, without the statement's values (engines hide them) or PostgreSQL's DETAIL,
    which may quote a failing row: a lead's email."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first[:300]}"
