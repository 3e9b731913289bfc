"""The Accept click's ack under load, against a bare Bolt app in the same run.

    python bench/click_ack.py [--clicks 200] [--concurrency 16] [--cards 500] [--rounds 1]

Processes, as in production where Slack is elsewhere: this one plays Slack (the stand-in
Slack, no rate limit, so the delivery worker writes as fast as it can); `handshake serve`
runs in a child process on a fresh SQLite file (HTTP app, Bolt listeners, delivery
threads, scheduler); the baseline, a bare Bolt app whose Accept listener only acks behind
the same HTTP glue (`bot/api/slack.py`'s route, uvicorn), runs in another; the clicks
are sent from a third, so the clients' timing shares no interpreter with Slack's work.

Before the clicks, `--clicks` leads go through intake and their cards are delivered
(the hand-offs to accept). Each round has two phases, baseline first. A phase posts
`--cards` more leads to intake (two card posts each, for the delivery worker), then
`--clicks` owners click Accept on their card, `--concurrency` at a time: signed
block_actions bodies as the sandbox peer builds them (trigger_id, response_url), signed
when sent. The ack latency is the HTTP response time (`httpx.Response.elapsed`). Target:
Handshake's p99 at most 1.5x the baseline's.

Afterwards it checks that every click was recorded exactly once (one `accepted` event per
hand-off) and says how many cards were still queued when the last click was answered (the
load must outlast the clicks). `main()` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402

from bench import _common as common  # noqa: E402
from bot import ids  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.server import prepare_database  # noqa: E402
from sandbox import Sandbox, SlackPeer, payloads  # noqa: E402
from storage.db import read_only  # noqa: E402
from storage.models import OUT_PENDING, Event, Handoff, Outbox  # noqa: E402
from tests import factories as f  # noqa: E402

BOT_TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
INTAKE_TOKEN = "bench-intake-token"
TARGET = 1.5


@dataclass
class Phase:
    name: str
    latencies: list[float]  # seconds
    statuses: list[int]
    cards_left: int  # outbox rows still pending when the last click was answered

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000


# -- the child processes -------------------------------------------------------------------


def serve_baseline(port: int, api_url: str) -> None:
    """The baseline: Bolt, the same HTTP glue, an Accept listener that only acks."""
    import uvicorn
    from slack_bolt import Ack, App
    from slack_sdk import WebClient
    from starlette.applications import Starlette
    from starlette.routing import Route

    from bot.api.slack import slack_endpoint

    app = App(
        client=WebClient(token=BOT_TOKEN, base_url=api_url, timeout=10),
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=8),
    )

    @app.action(ids.ACCEPT)
    def accept(ack: Ack) -> None:
        ack()

    http = Starlette(routes=[Route("/slack/events", slack_endpoint(app), methods=["POST"])])
    uvicorn.run(http, host="127.0.0.1", port=port, log_level="warning")


def fire(clicks_file: str, url: str, concurrency: int) -> None:
    """Send the clicks in `clicks_file` (body, content type) to `url`, signed when sent;
    print each one's (seconds, status) as JSON."""
    clicks = json.loads(Path(clicks_file).read_text())

    def one(click: list[str]) -> tuple[float, int]:
        body, content_type = click
        headers = {"Content-Type": content_type}
        headers.update(payloads.sign(SIGNING_SECRET, body, int(time.time())))
        r = httpx.post(url, content=body, headers=headers, timeout=30)
        return r.elapsed.total_seconds(), r.status_code

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        print(json.dumps(list(pool.map(one, clicks))))


# -- this process: Slack, the database file, the phases ---------------------------------------


class CapturingPeer(SlackPeer):
    """The sandbox peer, keeping each request it builds instead of sending it."""

    def __init__(self, state: Any) -> None:
        super().__init__(state, "http://unused", SIGNING_SECRET)
        self.built: list[tuple[str, str]] = []

    def post(self, body: str, content_type: str, **_: Any) -> Any:  # type: ignore[override]
        self.built.append((body, content_type))
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(probe: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not probe():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


@contextmanager
def child(args: list[str], env: dict[str, str], health: str) -> Iterator[None]:
    quiet = None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL
    command = [sys.executable, *args]
    if os.environ.get("BENCH_PROFILE") and "serve" in args:  # py-spy: see bench/README.md
        command = ["py-spy", "record", "-r", "200", "--threads", "-f", "raw", "-o"]
        command += [os.environ["BENCH_PROFILE"], "--", sys.executable, *args]
    proc = subprocess.Popen(command, env={**os.environ, **env}, stdout=quiet, stderr=quiet)
    try:
        wait_for(lambda: answers(health), 60, " ".join(args))
        yield
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn shuts down; py-spy writes its profile
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def workspace(slack: Sandbox) -> None:
    for person in f.PEOPLE:
        slack.state.add_user(
            person["slack_id"], person["name"].split()[0].lower(), real_name=person["name"]
        )
    slack.state.add_channel(f.CHANNEL, "lead-handoff")


def post_leads(base: str, count: int) -> None:
    """`count` new leads through the real intake, 8 clients at a time."""
    headers = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    bodies = [f.lead_body() for _ in range(count)]
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:

        def one(body: dict[str, Any]) -> None:
            r = http.post("/api/leads", json=body)
            assert r.status_code == 202, r.text

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(one, bodies))


def pending_cards(engine: Engine) -> int:
    with read_only(engine) as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.status == OUT_PENDING)
        return int(session.execute(query).scalar_one())


def accepted(engine: Engine) -> tuple[int, int]:
    """(accepted events, distinct hand-offs accepted)."""
    with read_only(engine) as session:
        where = Event.kind == "accepted"
        total = session.execute(select(func.count()).where(where)).scalar_one()
        distinct = session.execute(
            select(func.count(func.distinct(Event.handoff_id))).where(where)
        ).scalar_one()
    return int(total), int(distinct)


def build_clicks(slack: Sandbox, engine: Engine, count: int, skip: int) -> list[tuple[str, str]]:
    """Accept clicks by each owner on the DM card of hand-offs skip+1 … skip+count."""
    peer = CapturingPeer(slack.state)
    columns = Handoff.id, Handoff.owner_id, Handoff.owner_channel, Handoff.owner_ts
    with read_only(engine) as session:
        rows = session.execute(select(*columns).order_by(Handoff.id)).all()
    for handoff_id, owner, channel, ts in rows[skip : skip + count]:
        assert channel and ts, f"hand-off {handoff_id} has no card"
        peer.click(owner, ids.ACCEPT, str(handoff_id), message_channel=channel, message_ts=ts)
    return peer.built


def click_phase(
    name: str, events_url: str, clicks: list[tuple[str, str]], concurrency: int, engine: Engine
) -> Phase:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump(clicks, out)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--fire", out.name, events_url, str(concurrency)],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(out.name)
    results = json.loads(done.stdout)
    left = pending_cards(engine)
    return Phase(name, [r[0] for r in results], [r[1] for r in results], left)


def run(clicks: int, concurrency: int, cards: int, rounds: int) -> dict[str, Any]:
    data = f.config_data()
    with (
        common.sqlite_url() as url,
        Sandbox.start(BOT_TOKEN, SIGNING_SECRET) as slack,
        tempfile.TemporaryDirectory() as tmp,
    ):
        workspace(slack)
        config_path = Path(tmp) / "handshake.yml"
        config_path.write_text(yaml.safe_dump(data))
        engine = prepare_database(url, parse_config(data))
        bot_port, base_port = free_port(), free_port()
        bot, base = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{base_port}"
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "HANDSHAKE_INTAKE_TOKEN": INTAKE_TOKEN,
            "DATABASE_URL": url,
            "HANDSHAKE_CONFIG": str(config_path),
            "HANDSHAKE_PORT": str(bot_port),
            "PYTHONPATH": str(ROOT),
        }
        serve_args = ["-m", "bot.cli", "serve"]
        baseline_args = [__file__, "--serve-baseline", str(base_port), slack.api_url]
        with (
            child(serve_args, env, bot + "/healthz"),
            child(baseline_args, env, base + "/slack/events"),
        ):
            post_leads(bot, clicks * rounds)
            wait_for(lambda: pending_cards(engine) == 0, 600, "the target cards to be posted")
            phases: dict[str, list[Phase]] = {"baseline": [], "handshake": []}
            for r in range(rounds):
                for name, events in (("baseline", base), ("handshake", bot)):
                    post_leads(bot, cards)
                    batch = build_clicks(slack, engine, clicks, r * clicks)
                    phases[name].append(
                        click_phase(name, events + "/slack/events", batch, concurrency, engine)
                    )
            wait_for(lambda: accepted(engine)[1] >= clicks * rounds, 120, "every accept")
            time.sleep(1)  # a late duplicate would show up here
            total, distinct = accepted(engine)
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
    if sys.argv[1:2] == ["--serve-baseline"]:
        serve_baseline(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["--fire"]:
        fire(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        outcome = main()
        sys.exit(0 if outcome["exactly_once"] and outcome["non_200"] == 0 else 1)
