"""Intake throughput over real HTTP: `handshake serve` against a plain one-row-insert server.

    python bench/intake.py                                  # SQLite, 1,600 leads, 16 clients
    python bench/intake.py --backend postgres
    python bench/intake.py --backend postgres --instances 2 # one, then two instances
    python bench/intake.py --no-delivery                    # delivery threads idle (see below)

The bot runs as a separate process, `python -m bot.cli serve`, on a fresh database, talking
to the stand-in Slack (sandbox/, served from this process, Slack's per-channel limit of 1
message a second with bursts of 3 played), so its delivery worker posts the cards as it
would in production while intake runs. The load comes from another process (this script
with `--role load`): 16 clients on keep-alive HTTP/1.1 connections written with asyncio
streams, cheap enough not to compete with the server for long. Every lead is distinct;
three in four qualify and are routed, one in four goes to nurture. A warm-up of 64 leads
runs before the measured ones. Every answer must be 202 and the database must then hold
every lead, or the script exits 1.

Baseline, in the same run: the same HTTP glue (Starlette served by `uvicorn.run`, the same
settings, the same bearer check and capped read) answering each JSON POST by inserting one
`lead` row in one transaction (run in the thread pool, as intake's work is) on the same
kind of database (migrated by `prepare_database`, the same engine and pragmas).

`--instances 2` (PostgreSQL): measures one instance, then two on the same database, the
load split between them (the same number of clients per instance), and prints the ratio.

`main()` returns a dict of the figures; the last line printed is `SUMMARY {json}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402

from bench import _common as common  # noqa: E402
from bench import _cpu as cpu  # noqa: E402

TOKEN = "bench-intake-token"
BOT_TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
WARMUP = 64


# -- the load (a process of its own) ---------------------------------------------------------


def lead_body(run: str, i: int) -> dict[str, Any]:
    return {
        "external_id": f"{run}-{i}",
        "email": f"jordan{i}@acme{i}.example",
        "source": "bench",
        "first_name": "Jordan",
        "last_name": f"Lee {i}",
        "title": "VP Operations",
        "company": f"Acme {i}",
        "company_domain": f"acme{i}.example",
        "country": "US" if i % 2 else "DE",
        "industry": "Logistics",
        "employees": 1200,
        "score": 20 if i % 4 == 0 else 80,
        "campaign": "Q4 webinar",
        "activities": [
            {"type": "page_view", "detail": "/pricing", "at": "2026-11-22T10:00:00Z"},
            {"type": "session", "detail": "visit", "duration_s": 90, "at": "2026-11-22T10:05:00Z"},
        ],
        "notes": "Asked about SSO.",
        "crm_url": f"https://crm.example/leads/{i}",
    }


def request_bytes(host: str, body: bytes) -> bytes:
    head = (
        f"POST /api/leads HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _client(
    host: str, port: int, queue: list[bytes], latencies: list[float], statuses: dict[int, int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while queue:
            request = queue.pop()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = int(head.split(b" ", 2)[1])
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _load(urls: list[str], bodies: list[bytes], clients: int) -> dict[str, Any]:
    """`clients` connections per url; every body posted once; the figures."""
    targets = [httpx.URL(u) for u in urls]
    queues: list[list[bytes]] = [[] for _ in targets]
    for i, body in enumerate(bodies):
        url = targets[i % len(targets)]
        queues[i % len(targets)].append(request_bytes(f"{url.host}:{url.port}", body))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(
        *(
            _client(url.host, url.port or 80, queue, latencies, statuses)
            for url, queue in zip(targets, queues, strict=True)
            for _ in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "leads": len(bodies),
        "seconds": elapsed,
        "per_s": len(bodies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "max_ms": latencies[-1] * 1000,
        "statuses": statuses,
        "load_cpu_s": time.process_time() - cpu_started,
    }


def run_load(
    urls: list[str], count: int, clients: int, run: str, at_start: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """The load as a separate process, so that it takes no GIL from the servers. It starts
    (Python, its bodies) before `at_start` is called and the clients go, so that a CPU
    window opened by `at_start` holds the measured stretch only."""
    spec = json.dumps({"urls": urls, "count": count, "clients": clients, "run": run})
    with subprocess.Popen(
        [sys.executable, __file__, "--role", "load", "--spec", spec],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as load:
        assert load.stdin is not None and load.stdout is not None
        if load.stdout.readline().strip() != "ready":
            raise SystemExit("the load did not start")
        at_start()
        out, _ = load.communicate("go\n")
    if load.returncode:
        raise SystemExit(f"the load exited with {load.returncode}")
    return json.loads(out.strip().splitlines()[-1])


def load_role(spec: dict[str, Any]) -> None:
    bodies = [
        json.dumps(lead_body(spec["run"], i), separators=(",", ":")).encode()
        for i in range(spec["count"])
    ]
    print("ready", flush=True)
    sys.stdin.readline()  # go
    print(json.dumps(asyncio.run(_load(spec["urls"], bodies, spec["clients"]))))


# -- the baseline server (a process of its own) ------------------------------------------------


def baseline_role(database_url: str, port: int) -> None:
    from datetime import UTC, datetime

    import uvicorn
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from bot.api.reading import read_capped, too_large
    from storage.db import make_engine
    from storage.models import Lead

    engine = make_engine(database_url)
    insert = Lead.__table__.insert().returning(Lead.__table__.c.id)  # type: ignore[attr-defined]

    def store(body: dict[str, Any]) -> int:
        now = datetime.now(UTC)
        row = {
            "source": body.get("source", "api"),
            "external_id": body["external_id"],
            "email": body["email"],
            "created_at": now,
            "updated_at": now,
        }
        with engine.begin() as conn:
            return int(conn.execute(insert, row).scalar_one())

    async def post(request: Request) -> Response:
        if request.headers.get("authorization", "") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "missing or wrong bearer token"}, 401)
        raw = await read_capped(request)
        if raw is None:
            return too_large()
        lead_id = await run_in_threadpool(store, json.loads(raw))
        return JSONResponse({"id": lead_id, "status": "stored"}, 202)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/api/leads", post, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# -- processes -----------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def process(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[str]:
    """A server process on a free port, healthy; its url. Stopped on exit."""
    port = free_port()
    env = {**os.environ, **env, "HANDSHAKE_PORT": str(port), "PYTHONPATH": str(ROOT)}
    env.pop("SLACK_APP_TOKEN", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*argv, "--port", str(port)] if "--role" in argv else argv,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn stops gracefully; py-spy writes its file
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def serve_env(database_url: str, config_path: Path, slack_api_url: str, delivery: bool) -> dict:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "DATABASE_URL": database_url,
        "HANDSHAKE_CONFIG": str(config_path),
        "HANDSHAKE_INTAKE_TOKEN": TOKEN,
        # --no-delivery: the lanes wake only once an hour (a wake after a routed lead still
        # runs them; the stand-in Slack then refuses the token, so nothing is posted)
        "HANDSHAKE_TICK_SECONDS": "1" if delivery else "3600",
    }


@contextmanager
def stand_in_slack(delivery: bool) -> Iterator[Any]:
    from sandbox import Sandbox
    from tests import factories as f

    box = Sandbox.start(bot_token=BOT_TOKEN if delivery else "xoxb-other", signing_secret="x")
    try:
        for person in f.PEOPLE:
            box.state.add_user(person["slack_id"], person["name"].split()[0].lower())
        box.state.add_channel(f.CHANNEL, "lead-handoff")
        box.state.rate_limit(True, per_second=1.0, burst=3)
        yield box
    finally:
        box.stop()


def count_leads(database_url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import Lead

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Lead)).scalar_one())
    finally:
        engine.dispose()


def measure(
    urls: list[str], leads: int, clients: int, database_url: str, label: str
) -> dict[str, Any]:
    before = count_leads(database_url)
    run = f"{label}-{uuid.uuid4().hex[:6]}"
    run_load(urls, WARMUP, clients, run + "-warm")
    marks: list[cpu.CpuMark] = []
    figures = run_load(urls, leads, clients, run, at_start=lambda: marks.append(cpu.mark()))
    used = cpu.since(marks[0])
    used["load"] = round(figures.pop("load_cpu_s") / used["seconds"], 2)  # it has ended
    figures["cpu"] = used
    stored = count_leads(database_url) - before
    figures["stored"] = stored
    if figures["statuses"] != {"202": leads} or stored != leads + WARMUP:
        raise SystemExit(f"{label}: answers {figures['statuses']}, stored {stored} of {leads}")
    return figures


def prepared_database(stack: ExitStack, backend: str) -> str:
    from bot.config import parse_config
    from bot.server import prepare_database
    from tests import factories as f

    url = stack.enter_context(common.database_url(backend))
    prepare_database(url, parse_config(f.config_data())).dispose()
    return url


def bench(
    backend: str,
    leads: int,
    clients: int,
    instances: int,
    delivery: bool,
    profile: str | None = None,
    log_file: str | None = None,
) -> dict:
    from tests import factories as f

    result: dict[str, Any] = {"backend": backend, "clients": clients, "delivery": delivery}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="handshake-intake-")))
        config_path = tmp / "handshake.yml"
        config_path.write_text(yaml.safe_dump(f.config_data()))
        log = Path(log_file) if log_file else tmp / "servers.log"

        url = prepared_database(stack, backend)
        argv = [sys.executable, __file__, "--role", "baseline", "--database", url]
        with process(argv, {}, tmp, log) as base:
            result["baseline"] = measure([base], leads, clients, url, "baseline")

        slack = stack.enter_context(stand_in_slack(delivery))
        url = prepared_database(stack, backend)
        env = serve_env(url, config_path, slack.api_url, delivery)
        serve = [sys.executable, "-m", "bot.cli", "serve"]
        if profile:  # py-spy (pip install py-spy) samples the first instance
            serve = [
                "py-spy",
                "record",
                "--gil",
                "-r",
                "200",
                "-o",
                profile,
                "-f",
                "raw",
                "--",
                *serve,
            ]
        with ExitStack() as servers:
            first = servers.enter_context(process(serve, env, tmp, log))
            result["intake"] = measure([first], leads, clients, url, "intake")
            if instances > 1:
                urls = [first] + [
                    servers.enter_context(process(serve, env, tmp, log))
                    for _ in range(instances - 1)
                ]
                result[f"intake_x{instances}"] = measure(
                    urls, leads * instances, clients, url, f"intake-x{instances}"
                )
        if delivery:
            result["slack_posts"] = len(slack.state.calls("chat.postMessage"))
    result["ratio"] = result["intake"]["per_s"] / result["baseline"]["per_s"]
    if instances > 1:
        result["scale"] = result[f"intake_x{instances}"]["per_s"] / result["intake"]["per_s"]
        # Two instances sharing this machine's cores take at most all of it: if one keeps
        # the machine `busy` (0-1), the load, the database and the rest included, two reach
        # at most 1 / busy times as many leads (less if a lead costs more CPU with two).
        result["scale_ceiling"] = 1 / max(result["intake"]["cpu"]["machine_busy"], 0.01)
    return result


def report(result: dict[str, Any]) -> None:
    header = f"{'what':<28} {'leads':>6} {'leads/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    rows = [k for k in result if isinstance(result[k], dict) and "per_s" in result[k]]
    print()
    print(
        f"{result['backend']}, {result['clients']} clients/instance, "
        f"delivery {'on' if result['delivery'] else 'off'}"
    )
    common.print_table(
        header,
        [
            f"{name:<28} {r['leads']:>6} {r['per_s']:>8.0f} {r['p50_ms']:>7.1f} "
            f"{r['p99_ms']:>7.1f} {r['max_ms']:>7.1f}"
            for name in rows
            for r in [result[name]]
        ],
    )
    for name in rows:
        used = result[name].get("cpu", {})
        parts = ", ".join(f"{k} {v:.2f}" for k, v in used.items() if k not in ("cores", "seconds"))
        print(f"cpu during {name} (cores of {used.get('cores', '?')}): {parts}")
    print(f"ratio intake / baseline: {result['ratio']:.2f}")
    if "scale" in result:
        print(f"ratio two instances / one: {result['scale']:.2f}")
        print(
            f"this machine's ceiling for that ratio: {result['scale_ceiling']:.2f} "
            "(1 / machine busy with one instance: two instances on the same cores, "
            "at no more CPU a lead than one)"
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_argument(parser)
    parser.set_defaults(backend="sqlite")
    parser.add_argument("--leads", type=int, default=1600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--no-delivery", action="store_true")
    parser.add_argument("--profile", metavar="FILE", help="py-spy the serve process into FILE")
    parser.add_argument("--log", metavar="FILE", help="keep the servers' output in FILE")
    parser.add_argument("--role", choices=["load", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "load":
        load_role(json.loads(args.spec))
        return {}
    if args.role == "baseline":
        baseline_role(args.database, args.port)
        return {}
    figures: dict[str, Any] = {}
    for backend in common.backends(args.backend):
        result = bench(
            backend,
            args.leads,
            args.clients,
            args.instances,
            not args.no_delivery,
            args.profile,
            args.log,
        )
        report(result)
        figures[backend] = result
    print("SUMMARY " + json.dumps(figures, separators=(",", ":")))
    return figures


if __name__ == "__main__":
    main()
