"""The SLA tick at scale: 100,000 pending hand-offs, 1,000 of them due.

    python bench/sla_tick.py [--backend sqlite|postgres|both] [--pending 100000] [--due 1000]

Builds the data set with bulk INSERTs (the test roster, one lead and one pending hand-off
per row, each with its remind / escalate / reassign timers; `--due` remind timers already
due, everything else in the future), then times one `tick()` that fires the due batch and
one more tick with nothing due. The second must be about instant: the claim query walks
the (status, due_at) index, so its cost follows the due rows, not the pending ones. The
plan of that query is printed for each backend. Target: under 0.5 s per tick on SQLite.

SQLite runs in a temporary file; PostgreSQL in a throwaway database on the server named
by HANDSHAKE_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test), dropped
at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, func, select, text  # noqa: E402

from bot.config import HandshakeConfig, parse_config  # noqa: E402
from bot.server import prepare_database  # noqa: E402
from bot.services.sla_fire import tick  # noqa: E402
from storage.models import (  # noqa: E402
    ESCALATE,
    LEAD_ROUTED,
    PENDING,
    REASSIGN,
    REMIND,
    TIMER_PENDING,
    Event,
    Handoff,
    Lead,
    Outbox,
    Timer,
)
from storage.timers import due_query  # noqa: E402
from tests import factories as f  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "HANDSHAKE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon
RESPOND, ESCALATE_AFTER, REASSIGN_AFTER = (
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=24),
)
CHUNK = 10_000
INDEX = "ix_timer_status_due"


@dataclass
class Figures:
    backend: str
    build_s: float
    tick_s: float
    claimed: int
    empty_tick_s: float
    plan: str
    uses_index: bool
    outbox_rows: int
    nudged_events: int


# -- the data set ------------------------------------------------------------------------


def build(engine: Engine, config: HandshakeConfig, pending: int, due: int) -> None:
    """`pending` leads and pending hand-offs, three timers each; the first `due` hand-offs
    were created 5 h ago (reminder due an hour ago), the others within the last 4 h."""
    owners = [p.slack_id for p in config.people if p.role == "ae"]
    teams = {p.slack_id: p.team for p in config.people}
    managers = {o: config.manager_of(o) for o in owners}
    span = (RESPOND - timedelta(minutes=1)).total_seconds()
    with engine.begin() as conn:
        for start in range(1, pending + 1, CHUNK):
            leads, handoffs, timers = [], [], []
            for i in range(start, min(start + CHUNK, pending + 1)):
                if i <= due:
                    created = NOW - timedelta(hours=5, seconds=i)
                else:  # spread over the last 4 h: every reminder still in the future
                    created = NOW - timedelta(seconds=span * (i % 997) / 997)
                owner = owners[i % len(owners)]
                leads.append(_lead(i, created))
                handoffs.append(_handoff(i, owner, teams[owner], created))
                timers += [
                    _timer(3 * i - 2, REMIND, i, owner, created + RESPOND),
                    _timer(3 * i - 1, ESCALATE, i, managers[owner], created + ESCALATE_AFTER),
                    _timer(3 * i, REASSIGN, i, None, created + REASSIGN_AFTER),
                ]
            conn.execute(Lead.__table__.insert(), leads)  # type: ignore[attr-defined]
            conn.execute(Handoff.__table__.insert(), handoffs)  # type: ignore[attr-defined]
            conn.execute(Timer.__table__.insert(), timers)  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table in ("lead", "handoff", "timer"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    with engine.connect() as conn:  # planner statistics, as autovacuum would gather
        conn.execute(text("ANALYZE"))
        conn.commit()


def _lead(i: int, created: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "source": "bench",
        "external_id": f"bench-{i}",
        "email": f"lead{i}@bench.example",
        "first_name": "Jordan",
        "last_name": f"Lee {i}",
        "company": f"Company {i}",
        "company_domain": f"company{i}.example",
        "country": "US",
        "score": 75.0,
        "status": LEAD_ROUTED,
        "created_at": created,
        "updated_at": created,
    }


def _handoff(i: int, owner: str, team: str | None, created: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "lead_id": i,
        "owner_id": owner,
        "team": team,
        "rule": "round_robin",
        "contract_version": "2026-11",
        "status": PENDING,
        "created_at": created,
        "due_at": created + RESPOND,
        "routing_error": False,
    }


def _timer(
    i: int, kind: str, handoff_id: int, recipient: str | None, due_at: datetime
) -> dict[str, Any]:
    return {
        "id": i,
        "kind": kind,
        "handoff_id": handoff_id,
        "recipient": recipient,
        "due_at": due_at,
        "status": TIMER_PENDING,
        "created_at": due_at - RESPOND,
    }


# -- the claim query's plan ----------------------------------------------------------------


class _Captured(Exception):
    pass


def explain_claim(engine: Engine) -> str:
    """The plan of exactly the statement `claim_due` runs (captured at the cursor, so the
    parameters are the driver's), under EXPLAIN QUERY PLAN / EXPLAIN."""
    seen: dict[str, Any] = {}

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN IMMEDIATE
            seen["statement"], seen["parameters"] = statement, parameters
            raise _Captured

    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", capture)
        try:
            conn.execute(due_query(NOW, 500))
        except _Captured:
            pass
        finally:
            event.remove(conn, "before_cursor_execute", capture)
        conn.rollback()
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        rows = conn.exec_driver_sql(prefix + seen["statement"], seen["parameters"]).all()
        conn.rollback()
    if engine.dialect.name == "sqlite":
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)


# -- one backend -----------------------------------------------------------------------------


def run(backend: str, url: str, pending: int, due: int) -> Figures:
    config = parse_config(f.config_data())
    engine = prepare_database(url, config)
    try:
        started = time.perf_counter()
        build(engine, config, pending, due)
        build_s = time.perf_counter() - started

        started = time.perf_counter()
        report = tick(engine=engine, config=config, now=NOW)
        tick_s = time.perf_counter() - started

        started = time.perf_counter()
        empty = tick(engine=engine, config=config, now=NOW)
        empty_tick_s = time.perf_counter() - started
        assert empty.claimed == 0, empty

        plan = explain_claim(engine)
        with engine.connect() as conn:
            outbox_rows = conn.execute(select(func.count()).select_from(Outbox)).scalar_one()
            nudged = conn.execute(
                select(func.count()).select_from(Event).where(Event.kind == "nudged")
            ).scalar_one()
        return Figures(
            backend,
            build_s,
            tick_s,
            report.claimed,
            empty_tick_s,
            plan,
            INDEX in plan,
            outbox_rows,
            nudged,
        )
    finally:
        engine.dispose()


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pending", type=int, default=100_000, help="pending hand-offs")
    parser.add_argument("--due", type=int, default=1_000, help="of which remind timers due")
    args = parser.parse_args(argv)
    if not 0 <= args.due <= args.pending:
        parser.error("--due must be between 0 and --pending")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        where = sqlite_url() if backend == "sqlite" else postgres_url()
        with where as url:
            figures = run(backend, url, args.pending, args.due)
        results.append(figures)
        print(f"\n[{backend}] plan of the claim query:")
        print("  " + figures.plan.replace("\n", "\n  "))
        print(f"  uses the (status, due_at) index {INDEX}: {'yes' if figures.uses_index else 'NO'}")
        print(
            f"  queued: {figures.outbox_rows} outbox rows, {figures.nudged_events} 'nudged' events"
        )
    print(f"\n{args.pending:,} pending hand-offs ({3 * args.pending:,} timers), {args.due:,} due\n")
    header = (
        f"{'backend':<9} {'build s':>8} {'tick s':>8} {'per timer ms':>13} "
        f"{'empty tick ms':>14} {'claimed':>8} {'index':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        per = 1000 * r.tick_s / r.claimed if r.claimed else 0.0
        print(
            f"{r.backend:<9} {r.build_s:>8.2f} {r.tick_s:>8.3f} {per:>13.3f} "
            f"{1000 * r.empty_tick_s:>14.2f} {r.claimed:>8} "
            f"{'yes' if r.uses_index else 'NO':>6}"
        )
    ok = all(r.claimed == args.due and r.uses_index for r in results)
    sqlite = next((r for r in results if r.backend == "sqlite"), None)
    if sqlite is not None:
        verdict = "met" if sqlite.tick_s < 0.5 else "MISSED"
        print(f"\ntarget: SQLite tick under 0.5 s: {verdict} ({sqlite.tick_s:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
