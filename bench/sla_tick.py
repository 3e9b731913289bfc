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
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, select  # noqa: E402

from bench import _common as common  # noqa: E402
from bench._common import NOW, RESPOND  # noqa: E402
from bot.config import HandshakeConfig, parse_config  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
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

ESCALATE_AFTER, REASSIGN_AFTER = timedelta(hours=8), timedelta(hours=24)
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
            common.insert(conn, Lead, leads)
            common.insert(conn, Handoff, handoffs)
            common.insert(conn, Timer, timers)
        common.move_sequences(conn, ("lead", "handoff", "timer"))
    common.analyze(engine)


def _lead(i: int, created: datetime) -> dict[str, Any]:
    return common.lead_row(
        i,
        created,
        company=f"Company {i}",
        company_domain=f"company{i}.example",
        score=75.0,
        status=LEAD_ROUTED,
    )


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


def explain_claim(engine: Engine) -> str:
    """The plan of exactly the statement `claim_due` runs (captured at the cursor, so the
    parameters are the driver's), under EXPLAIN QUERY PLAN / EXPLAIN."""
    with engine.connect() as conn:
        with common.capturing(conn, "SELECT", stop=True) as seen:  # not SQLite's BEGIN IMMEDIATE
            conn.execute(due_query(NOW, 500))
        conn.rollback()
        plan = common.explain(conn, *seen[0])
        conn.rollback()
    return plan


# -- one backend -----------------------------------------------------------------------------


def run(backend: str, url: str, pending: int, due: int) -> Figures:
    config = parse_config(f.config_data())
    with common.bench_engine(url, config) as engine:
        _, build_s = common.stopwatch(lambda: build(engine, config, pending, due))
        runtime = Runtime(engine=engine, config=config)
        report, tick_s = common.stopwatch(lambda: tick(runtime, now=NOW))
        empty, empty_tick_s = common.stopwatch(lambda: tick(runtime, now=NOW))
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


def _row(r: Figures) -> str:
    per = 1000 * r.tick_s / r.claimed if r.claimed else 0.0
    return (
        f"{r.backend:<9} {r.build_s:>8.2f} {r.tick_s:>8.3f} {per:>13.3f} "
        f"{1000 * r.empty_tick_s:>14.2f} {r.claimed:>8} "
        f"{'yes' if r.uses_index else 'NO':>6}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_argument(parser)
    parser.add_argument("--pending", type=int, default=100_000, help="pending hand-offs")
    parser.add_argument("--due", type=int, default=1_000, help="of which remind timers due")
    args = parser.parse_args(argv)
    if not 0 <= args.due <= args.pending:
        parser.error("--due must be between 0 and --pending")
    results = []
    for backend in common.backends(args.backend):
        with common.database_url(backend) as url:
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
    common.print_table(header, [_row(r) for r in results])
    ok = all(r.claimed == args.due and r.uses_index for r in results)
    sqlite = next((r for r in results if r.backend == "sqlite"), None)
    if sqlite is not None:
        verdict = "met" if sqlite.tick_s < 0.5 else "MISSED"
        print(f"\ntarget: SQLite tick under 0.5 s: {verdict} ({sqlite.tick_s:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
