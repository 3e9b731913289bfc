"""`/handshake summary 90d` for an admin, at scale: 100,000 leads and 1,000,000 events.

    python bench/summary.py [--backend sqlite|postgres|both] [--leads 100000]
                            [--events 1000000] [--days 180] [--repeat 5]

Builds the data set with bulk core INSERTs: a roster of 5 teams of 8 AEs, `--leads` leads
spread evenly over the last `--days` days (a fifth kept in nurture), one hand-off per routed
lead (and a first, reassigned or wrongly routed, hand-off for one lead in ten) with its
decision, reason, signals and first touch, and the events they imply (received, nurtured,
routed, delivered, accepted / rejected / handed back / reassigned, first touch, nudged),
padded with more nudges to exactly `--events`. Then it gathers planner statistics (ANALYZE,
as autovacuum would on PostgreSQL) and times the whole answer, the report's queries and the
Block Kit, for an admin over 90 days: once cold, then `--repeat` times. Every query the
report ran is EXPLAINed, to show it reads an index. Target: under 1 s on each backend.

SQLite runs in a temporary file; PostgreSQL in a throwaway database on the server named
by HANDSHAKE_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test), dropped
at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402

from bench import _common as common  # noqa: E402
from bench._common import NOW, RESPOND  # noqa: E402
from bot.config import HandshakeConfig, parse_config  # noqa: E402
from bot.reports.periods import period_for  # noqa: E402
from bot.reports.scope import scope_for  # noqa: E402
from bot.reports.summary import summary  # noqa: E402
from bot.views.reports import build_summary  # noqa: E402
from storage.db import unit_of_work  # noqa: E402
from storage.models import Event, Handoff, Lead  # noqa: E402
from tests import factories as f  # noqa: E402

CHUNK = 5_000
ADMIN = "U0ADM0001"
CAMPAIGNS = [f"Campaign {c}" for c in "ABCDEFGHIJKL"] + [None]
SIGNALS = ["Visited pricing", "15+ minutes on site", "Requested a demo"]
REJECT = ["R-DATA", "R-ICP", "R-AUTHORITY", "R-CUSTOMER", "R-JUNK", "R-DUPLICATE"]
HANDBACK = ["N-UNREACHABLE", "N-NONEED", "N-BUDGET", "N-TIMING", "N-RESEARCH", "N-COMPETITOR"]


def bench_config() -> HandshakeConfig:
    people: list[dict[str, Any]] = []
    teams = []
    for t in range(5):
        manager = f"U0MGR{t:04d}"
        people.append(_person(manager, f"Manager {t}", "manager", f"team{t}"))
        people += [_person(f"U0AE{t}{i:03d}", f"Rep {t}-{i}", "ae", f"team{t}") for i in range(8)]
        teams.append({"name": f"team{t}", "manager": manager})
    people.append(_person(ADMIN, "Ada Admin", "admin", None))
    return parse_config(f.config_data(people=people, teams=teams))


def _person(slack_id: str, name: str, role: str, team: str | None) -> dict[str, Any]:
    person = {"slack_id": slack_id, "name": name, "email": f"{slack_id.lower()}@bench.example"}
    return {**person, "role": role, **({"team": team} if team else {})}


# -- the data set ----------------------------------------------------------------------------


@dataclass
class Rows:
    leads: list[dict[str, Any]] = field(default_factory=list)
    handoffs: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


class Builder:
    """Deterministic rows; ids are explicit so that events can point at their hand-offs."""

    def __init__(self, config: HandshakeConfig, leads: int, days: int) -> None:
        self.rand = random.Random(7)
        self.reps = [p.slack_id for p in config.people if p.role == "ae"]
        self.team = {p.slack_id: p.team for p in config.people}
        self.leads, self.span = leads, timedelta(days=days)
        self.handoff_id = self.event_id = 0
        self.routed: list[tuple[int, int, str]] = []  # (handoff id, lead id, owner): nudge targets

    def chunk(self, first: int, last: int) -> Rows:
        rows = Rows()
        for i in range(first, last):
            created = NOW - self.span * (1 - i / self.leads) - timedelta(seconds=1)
            nurture = self.rand.random() < 0.2
            rows.leads.append(self._lead(i, created, nurture))
            self._event(rows, "received", i, None, created, "intake", source="bench")
            if nurture:
                self._event(rows, "nurtured", i, None, created, "intake", reason="score below 60")
                continue
            owner = self.rand.choice(self.reps)
            if self.rand.random() < 0.1:  # a first hand-off that did not stick
                first_status = "reassigned" if self.rand.random() < 0.8 else "rejected"
                decided = created + (RESPOND * 6 if first_status == "reassigned" else RESPOND / 8)
                wrong_owner = first_status == "rejected"
                self._handoff(rows, i, owner, created, first_status, decided, wrong_owner)
                owner, created = self.rand.choice(self.reps), decided
            self._handoff(rows, i, owner, created, self._outcome(created), None)
        return rows

    def _outcome(self, created: datetime) -> str:
        roll = self.rand.random()
        if NOW - created < timedelta(days=2) and roll < 0.5:
            return "pending"
        return (
            "accepted"
            if roll < 0.6
            else "rejected"
            if roll < 0.75
            else ("handed_back" if roll < 0.95 else "pending")
        )

    def _lead(self, i: int, created: datetime, nurture: bool) -> dict[str, Any]:
        return common.lead_row(
            i,
            created,
            company=f"Company {i % 5000}",
            campaign=self.rand.choice(CAMPAIGNS),
            score=40.0 if nurture else 75.0,
            status="nurture" if nurture else "routed",
        )

    def _handoff(
        self,
        rows: Rows,
        lead_id: int,
        owner: str,
        created: datetime,
        status: str,
        decided: datetime | None,
        wrong_owner: bool = False,
    ) -> None:
        self.handoff_id += 1
        hid, rand = self.handoff_id, self.rand
        if decided is None and status != "pending":
            decided = created + timedelta(minutes=rand.lognormvariate(4.5, 1.0))
        reason = None
        if status == "rejected":
            reason = "R-OWNER" if wrong_owner else rand.choice(REJECT)
        elif status == "handed_back":
            reason = rand.choice(HANDBACK)
        touch_at = None
        if status == "accepted" and decided and rand.random() < 0.75:
            touch_at = decided + timedelta(minutes=rand.lognormvariate(5.5, 1.0))
        signals = [s for s in SIGNALS if rand.random() < 0.35]
        rows.handoffs.append(
            {
                "id": hid,
                "lead_id": lead_id,
                "owner_id": owner,
                "team": self.team[owner],
                "rule": "round_robin",
                "contract_version": "2026-11",
                "signals": signals,
                "status": status,
                "created_at": created,
                "due_at": created + RESPOND,
                "decided_at": decided,
                "decided_by": owner if decided else None,
                "reason_code": reason,
                "reason_label": reason,
                "routing_error": wrong_owner,
                "first_touch": "contacted" if touch_at else None,
                "first_touch_at": touch_at,
                "touched_by": owner if touch_at else None,
            }
        )
        self.routed.append((hid, lead_id, owner))
        self._event(rows, "routed", lead_id, hid, created, "intake", owner=owner)
        for card in ("owner", "channel"):
            self._event(rows, "delivered", lead_id, hid, created, "system", card=card)
        if decided:
            self._event(rows, status, lead_id, hid, decided, owner, reason_code=reason)
        if touch_at:
            self._event(rows, "first_touch", lead_id, hid, touch_at, owner, touch="contacted")

    def _event(
        self,
        rows: Rows,
        kind: str,
        lead_id: int,
        handoff_id: int | None,
        at: datetime,
        actor: str,
        **data: Any,
    ) -> None:
        self.event_id += 1
        rows.events.append(
            {
                "id": self.event_id,
                "at": at,
                "kind": kind,
                "actor": actor,
                "lead_id": lead_id,
                "handoff_id": handoff_id,
                "data": data,
            }
        )

    def nudges(self, count: int) -> Iterator[list[dict[str, Any]]]:
        """Padding: nudges on random hand-offs, `count` in all, in chunks."""
        rows = Rows()
        for _ in range(count):
            hid, lead_id, owner = self.rand.choice(self.routed)
            at = NOW - self.span * self.rand.random()
            self._event(rows, "nudged", lead_id, hid, at, "system", recipient=owner, waited="4h")
            if len(rows.events) >= CHUNK * 4:
                yield rows.events
                rows = Rows()
        if rows.events:
            yield rows.events


def build(engine: Engine, config: HandshakeConfig, leads: int, events: int, days: int) -> int:
    """Returns the number of hand-offs."""
    builder = Builder(config, leads, days)
    with engine.begin() as conn:
        for first in range(1, leads + 1, CHUNK):
            rows = builder.chunk(first, min(first + CHUNK, leads + 1))
            common.insert(conn, Lead, rows.leads)
            common.insert(conn, Handoff, rows.handoffs)
            common.insert(conn, Event, rows.events)
        for chunk in builder.nudges(max(0, events - builder.event_id)):
            common.insert(conn, Event, chunk)
        common.move_sequences(conn, ("lead", "handoff", "event"))
    common.analyze(engine)
    return builder.handoff_id


# -- timing and plans --------------------------------------------------------------------------


def answer(engine: Engine, config: HandshakeConfig) -> dict[str, Any]:
    """What `/handshake summary 90d` computes for an admin: the report and its message."""
    scope = scope_for(config, ADMIN)
    period = period_for("90d", now=NOW, tz=config.timezone)
    with unit_of_work(engine) as session:
        report = summary(session=session, config=config, scope=scope, now=NOW, period=period)
    return build_summary(report, tz=config.timezone)


def timed(engine: Engine, config: HandshakeConfig) -> float:
    message, elapsed = common.stopwatch(lambda: answer(engine, config))
    assert len(message["blocks"]) <= 50
    return elapsed


def plans(engine: Engine, config: HandshakeConfig) -> list[tuple[str, str, bool]]:
    """(query, plan, reads an index) for every SELECT the report runs."""
    with common.capturing(engine, "SELECT", "WITH") as seen:
        answer(engine, config)
    sqlite = engine.dialect.name == "sqlite"
    found = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            plan = common.explain(conn, statement, parameters)
            uses_index = ("INDEX" in plan) if sqlite else ("Index" in plan)
            found.append((" ".join(statement.split())[:110], plan, uses_index))
        conn.rollback()
    return found


@dataclass
class Figures:
    backend: str
    build_s: float
    handoffs: int
    cold_s: float
    warm_s: list[float]
    plans: list[tuple[str, str, bool]]


def run(backend: str, url: str, leads: int, events: int, days: int, repeat: int) -> Figures:
    config = bench_config()
    with common.bench_engine(url, config) as engine:
        handoffs, build_s = common.stopwatch(lambda: build(engine, config, leads, events, days))
        cold = timed(engine, config)
        warm = [timed(engine, config) for _ in range(repeat)]
        return Figures(backend, build_s, handoffs, cold, warm, plans(engine, config))


def _row(r: Figures) -> tuple[str, bool]:
    """The line of the results table, and whether the backend met the target."""
    median, worst = statistics.median(r.warm_s), max([r.cold_s, *r.warm_s])
    indexed = all(p[2] for p in r.plans)
    line = (
        f"{r.backend:<9} {r.build_s:>8.1f} {r.handoffs:>10,} {r.cold_s:>8.3f} "
        f"{median:>16.3f} {worst:>7.3f} {'yes' if indexed else 'NO':>8}"
    )
    return line, worst < 1 and indexed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_argument(parser)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=180, help="leads spread over this many days")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print every query's full plan")
    args = parser.parse_args(argv)
    results = []
    for backend in common.backends(args.backend):
        with common.database_url(backend) as url:
            figures = run(backend, url, args.leads, args.events, args.days, args.repeat)
        results.append(figures)
        print(f"\n[{backend}] the summary's {len(figures.plans)} queries:")
        for query, plan, uses_index in figures.plans:
            print(f"  {'index' if uses_index else 'NO INDEX'}: {query}…")
            if args.plans or not uses_index:
                print("    " + plan.replace("\n", "\n    "))
    print(
        f"\n{args.leads:,} leads over {args.days} days, {args.events:,} events; "
        "`summary 90d` for an admin\n"
    )
    header = (
        f"{'backend':<9} {'build s':>8} {'hand-offs':>10} {'cold s':>8} {'warm s (median)':>16} "
        f"{'max s':>7} {'indexed':>8}"
    )
    rows = [_row(r) for r in results]
    common.print_table(header, [line for line, _ in rows])
    ok = all(met for _, met in rows)
    print(
        f"\ntarget: under 1 s on each backend, every query on an index: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
