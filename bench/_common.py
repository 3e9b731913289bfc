"""What the benchmarks share: a throwaway database per backend, a stopwatch, bulk rows and
the build's last steps, statement capture and EXPLAIN, and the results table.

The scripts put the repository root on `sys.path` before importing this module.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event, text

from bot.config import HandshakeConfig
from bot.server import prepare_database

PG_ADMIN_URL = os.environ.get(
    "HANDSHAKE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon
RESPOND = timedelta(hours=4)

T = TypeVar("T")


# -- backends and databases ----------------------------------------------------------------


def add_backend_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="handshake-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


@contextmanager
def postgres_url() -> Iterator[str]:
    import psycopg

    name = f"handshake_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def database_url(backend: str) -> AbstractContextManager[str]:
    """A temporary SQLite file or a throwaway PostgreSQL database, removed on exit."""
    return sqlite_url() if backend == "sqlite" else postgres_url()


@contextmanager
def bench_engine(url: str, config: HandshakeConfig) -> Iterator[Engine]:
    """The schema and roster ready, as the bot prepares them; disposed on exit."""
    engine = prepare_database(url, config)
    try:
        yield engine
    finally:
        engine.dispose()


def stopwatch(work: Callable[[], T]) -> tuple[T, float]:
    """`work()`'s result and how long it took, in seconds."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


# -- bulk rows -----------------------------------------------------------------------------


def lead_row(i: int, created: datetime, **fields: Any) -> dict[str, Any]:
    """Lead `i` for a bulk INSERT (explicit id); `fields` add or override columns."""
    return {
        "id": i,
        "source": "bench",
        "external_id": f"bench-{i}",
        "email": f"lead{i}@bench.example",
        "first_name": "Jordan",
        "last_name": f"Lee {i}",
        "country": "US",
        "created_at": created,
        "updated_at": created,
        **fields,
    }


def insert(conn: Connection, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    conn.execute(model.__table__.insert(), rows)


def move_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """After inserting explicit ids: move PostgreSQL's sequences past them (no-op on SQLite)."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )


def analyze(engine: Engine) -> None:
    """Planner statistics, as autovacuum would gather."""
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


# -- statements and plans ------------------------------------------------------------------


class Captured(Exception):
    """Raised at the first captured statement when capture is told to stop it."""


@contextmanager
def capturing(
    target: Engine | Connection, *starts: str, stop: bool = False
) -> Iterator[list[tuple[str, Any]]]:
    """The statements run on `target` that begin with one of `starts`, as the driver gets
    them, as (statement, parameters). `stop`: the first one is caught before it runs."""
    seen: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(starts):
            seen.append((statement, parameters))
            if stop:
                raise Captured

    event.listen(target, "before_cursor_execute", capture)
    try:
        yield seen
    except Captured:
        pass
    finally:
        event.remove(target, "before_cursor_execute", capture)


def explain(conn: Connection, statement: str, parameters: Any) -> str:
    """The plan of `statement` under EXPLAIN QUERY PLAN (SQLite) or EXPLAIN, one line a row."""
    sqlite = conn.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(str(row[-1] if sqlite else row[0]) for row in rows)


# -- output --------------------------------------------------------------------------------


def print_table(header: str, lines: Iterable[str]) -> None:
    print(header)
    print("-" * len(header))
    for line in lines:
        print(line)
