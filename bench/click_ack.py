"""The Accept click's ack under load, against a bare Bolt app in the same run.

    python bench/click_ack.py [--clicks 200] [--concurrency 16] [--cards 500] [--rounds 1]

One process: the stand-in Slack (no rate limit, so the delivery worker writes as fast as
it can), `handshake serve`'s HTTP app and delivery threads on a fresh SQLite file, and a
baseline: a bare Bolt app whose Accept listener only acks, behind the same HTTP glue
(`bot/api/slack.py`'s route, uvicorn). Before the clicks, `--clicks` leads are routed and
their cards delivered (the hand-offs to accept).

Each round has two phases, baseline first. A phase queues `--cards` more leads (two card
posts each) for the delivery worker, then `--clicks` owners click Accept on their card,
`--concurrency` at a time, as the sandbox peer sends them (signed block_actions with a
trigger_id and a response_url). The ack latency is the HTTP response time
(`httpx.Response.elapsed`). Target: Handshake's p99 at most 1.5x the baseline's.

Afterwards it checks that every click was recorded exactly once (one `accepted` event per
hand-off) and says how many cards were still waiting when the last click was answered
(the load must outlast the clicks). `main()` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_bolt import Ack, App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.routing import Route  # noqa: E402

from bench import _common as common  # noqa: E402
from bot import ids  # noqa: E402
from bot.api.slack import slack_endpoint  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.intake.service import ingest_in  # noqa: E402
from bot.intake.validate import validate_lead  # noqa: E402
from bot.server import Service, build_service, prepare_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox import Sandbox, SlackPeer, start_server  # noqa: E402
from storage.db import unit_of_work  # noqa: E402
from storage.models import OUT_PENDING, Event, Handoff, Outbox  # noqa: E402
from tests import factories as f  # noqa: E402

BOT_TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
TARGET = 1.5


@dataclass(frozen=True)
class Target:
    handoff_id: int
    owner: str
    channel: str
    ts: str


@dataclass
class Phase:
    name: str
    latencies: list[float]  # seconds
    statuses: list[int]
    cards_left: int  # outbox rows still pending when the last click was answered

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return self.pct(0.99)


def bare_bolt(client: WebClient) -> Starlette:
    """The baseline: Bolt, the same HTTP glue, a listener that only acks."""
    app = App(
        client=client,
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=8),
    )

    @app.action(ids.ACCEPT)
    def accept(ack: Ack) -> None:
        ack()

    return Starlette(routes=[Route("/slack/events", slack_endpoint(app), methods=["POST"])])


def workspace(slack: Sandbox) -> None:
    for person in f.PEOPLE:
        slack.state.add_user(
            person["slack_id"], person["name"].split()[0].lower(), real_name=person["name"]
        )
    slack.state.add_channel(f.CHANNEL, "lead-handoff")


def queue_leads(service: Service, count: int) -> list[int]:
    """`count` new leads through intake's own transaction work, 100 a commit; lead ids."""
    runtime, ids_ = service.runtime, list[int]()
    for start in range(0, count, 100):
        with unit_of_work(runtime.engine) as session:
            for _ in range(min(100, count - start)):
                lead_input, errors = validate_lead(f.lead_body())
                assert lead_input is not None, errors
                result = ingest_in(
                    lead_input, session=session, config=runtime.config, now=runtime.clock()
                )
                ids_.append(int(result.body["id"]))  # type: ignore[call-overload]
    service.wake()
    return ids_


def pending_cards(service: Service) -> int:
    with unit_of_work(service.runtime.engine) as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.status == OUT_PENDING)
        return int(session.execute(query).scalar_one())


def wait_for(probe: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not probe():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def targets_for(service: Service, count: int) -> list[Target]:
    queue_leads(service, count)
    wait_for(lambda: pending_cards(service) == 0, 300, "the target cards to be posted")
    with unit_of_work(service.runtime.engine) as session:
        rows = session.execute(select(Handoff).order_by(Handoff.id)).scalars().all()
    return [Target(h.id, h.owner_id, h.owner_channel, h.owner_ts) for h in rows]  # type: ignore[arg-type]


def click_all(
    peer: SlackPeer, service: Service, targets: list[Target], concurrency: int, name: str
) -> Phase:
    def one(t: Target) -> tuple[float, int]:
        r = peer.click(
            t.owner, ids.ACCEPT, str(t.handoff_id), message_channel=t.channel, message_ts=t.ts
        )
        return r.elapsed.total_seconds(), r.status_code

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, targets))
    left = pending_cards(service)
    return Phase(name, [r[0] for r in results], [r[1] for r in results], left)


def accepted_events(service: Service) -> tuple[int, int]:
    """(accepted events, distinct hand-offs accepted)."""
    with unit_of_work(service.runtime.engine) as session:
        where = Event.kind == "accepted"
        total = session.execute(select(func.count()).where(where)).scalar_one()
        distinct = session.execute(
            select(func.count(func.distinct(Event.handoff_id))).where(where)
        ).scalar_one()
    return int(total), int(distinct)


def run(clicks: int, concurrency: int, cards: int, rounds: int) -> dict[str, Any]:
    config = parse_config(f.config_data())
    with common.sqlite_url() as url, Sandbox.start(BOT_TOKEN, SIGNING_SECRET) as slack:
        workspace(slack)
        engine = prepare_database(url, config)
        settings = Settings(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            HANDSHAKE_INTAKE_TOKEN="bench",
            DATABASE_URL=url,
        )
        service = build_service(settings, config, engine=engine)
        handshake = start_server(service.http_app)
        client = WebClient(token=BOT_TOKEN, base_url=slack.api_url, timeout=10)
        baseline = start_server(bare_bolt(client))
        service.start_background()
        try:
            targets = targets_for(service, clicks * rounds)
            peers = {
                "baseline": slack.peer(baseline.url + "/slack/events"),
                "handshake": slack.peer(handshake.url + "/slack/events"),
            }
            phases: dict[str, list[Phase]] = {"baseline": [], "handshake": []}
            for r in range(rounds):
                mine = targets[r * clicks : (r + 1) * clicks]
                for name, peer in peers.items():
                    queue_leads(service, cards)
                    phases[name].append(click_all(peer, service, mine, concurrency, name))
            wait_for(lambda: accepted_events(service)[1] >= clicks * rounds, 120, "every accept")
            time.sleep(1)  # a late duplicate would show up here
            total, distinct = accepted_events(service)
        finally:
            service.stop_background()
            baseline.stop()
            handshake.stop()
            engine.dispose()
    return figures(phases, total, distinct, clicks * rounds)


def figures(
    phases: dict[str, list[Phase]], total: int, distinct: int, expected: int
) -> dict[str, Any]:
    merged = {
        name: Phase(
            name,
            [x for p in ps for x in p.latencies],
            [s for p in ps for s in p.statuses],
            min(p.cards_left for p in ps),
        )
        for name, ps in phases.items()
    }
    base, mine = merged["baseline"], merged["handshake"]
    return {
        "clicks": len(mine.latencies),
        "baseline_p50_ms": round(base.p50, 1),
        "baseline_p99_ms": round(base.p99, 1),
        "handshake_p50_ms": round(mine.p50, 1),
        "handshake_p99_ms": round(mine.p99, 1),
        "ratio_p50": round(mine.p50 / base.p50, 2),
        "ratio_p99": round(mine.p99 / base.p99, 2),
        "target_ratio_p99": TARGET,
        "non_200": sum(s != 200 for s in base.statuses + mine.statuses),
        "cards_left_baseline": base.cards_left,
        "cards_left_handshake": mine.cards_left,
        "accepted_events": total,
        "accepted_handoffs": distinct,
        "exactly_once": total == distinct == expected,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cards", type=int, default=500, help="leads queued per phase")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    result = run(args.clicks, args.concurrency, args.cards, args.rounds)
    common.print_table(
        "what          p50 ms    p99 ms",
        [
            f"baseline   {result['baseline_p50_ms']:9.1f} {result['baseline_p99_ms']:9.1f}",
            f"handshake  {result['handshake_p50_ms']:9.1f} {result['handshake_p99_ms']:9.1f}",
            f"ratio      {result['ratio_p50']:8.2f}x {result['ratio_p99']:8.2f}x"
            f"   (target p99 <= {TARGET}x)",
        ],
    )
    print(
        f"cards still queued at the last answer: baseline {result['cards_left_baseline']},"
        f" handshake {result['cards_left_handshake']}; non-200 answers: {result['non_200']};"
        f" accepted events {result['accepted_events']} for"
        f" {result['accepted_handoffs']} hand-offs (exactly once: {result['exactly_once']})"
    )
    return result


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if outcome["exactly_once"] and outcome["non_200"] == 0 else 1)
