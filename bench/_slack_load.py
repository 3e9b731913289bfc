"""What the delivery benches share: the bot as `serve` runs it (HTTP intake, the delivery
threads) against the stand-in Slack with Slack's per-channel limit and latency, 8 owners,
and where each card landed (from the sandbox's call log).

The scripts put the repository root on `sys.path` before importing this module.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench._leads import lead
from bot.config import HandshakeConfig, parse_config
from bot.server import Service, build_service, prepare_database
from bot.settings import Settings
from sandbox import RunningServer, start_server
from storage.db import read_only
from storage.people import active_people

BOT_TOKEN, SECRET, INTAKE = "xoxb-bench", "bench-signing-secret", "bench-intake-token"
CHANNEL = "C0HANDOFF1"
OWNERS = [f"U0AE0{i:04d}" for i in range(1, 9)]
MANAGER = "U0MGR0001"
PER_SECOND, BURST, LATENCY = 1.0, 3, 0.15  # Slack's: a message a second per channel


def bound(messages: int, latency: float = LATENCY) -> float:
    """The least time `messages` posts to one channel can take under the limit."""
    return max(0, messages - BURST) / PER_SECOND + latency


def config() -> HandshakeConfig:
    return parse_config(config_data())


def config_data() -> dict[str, Any]:
    people: list[dict[str, Any]] = [
        {"slack_id": u, "name": f"Owner {i}", "email": f"o{i}@x.example", "role": "ae"}
        | {"team": "sales"}
        for i, u in enumerate(OWNERS, 1)
    ]
    people.append(
        {"slack_id": MANAGER, "name": "Maya M", "email": "m@x.example", "role": "manager"}
        | {"team": "sales"}
    )
    return {
        "handoff_channel": CHANNEL,
        "timezone": "UTC",
        "people": people,
        "teams": [{"name": "sales", "manager": MANAGER, "countries": ["US"]}],
        "contract": {"version": "bench", "min_score": 60, "signals": []},
        "sla": {
            "respond_within": "4h",
            "escalate_after": "8h",
            "reassign_after": "24h",
            "follow_up_within": "2d",
        },
    }


@dataclass
class Rig:
    slack_url: str  # the stand-in's Web API, in its own process
    service: Service
    server: RunningServer
    http: httpx.Client

    def post(self, n: int) -> tuple[float, int]:
        """Send lead `n`; returns when the answer came (Unix seconds) and its lead id."""
        response = self.http.post(
            "/api/leads", json=lead(n), headers={"Authorization": f"Bearer {INTAKE}"}
        )
        assert response.status_code == 202, response.text
        return time.time(), int(response.json()["id"])

    def push(self, numbers: range, clients: int = 16) -> float:
        """Send the leads at once from `clients` threads of another process; returns when
        the first request left (Unix seconds)."""
        script = str(Path(__file__).with_name("_push.py"))
        first, last = str(numbers.start), str(numbers.stop - 1)
        args = [sys.executable, script, self.server.url, INTAKE, first, last, str(clients)]
        done = subprocess.run(args, check=True, capture_output=True, text=True)
        return float(done.stdout.split()[0])

    def _slack_state(self) -> dict[str, Any]:
        url = self.slack_url.removesuffix("api/") + "_sandbox/state"
        return httpx.get(url, timeout=30).json()

    def cards(self) -> dict[tuple[int, str], float]:
        """(hand-off id, "owner"|"channel") → when Slack posted it (its ts, Unix seconds)."""
        posted: dict[tuple[int, str], float] = {}
        for channel in self._slack_state()["channels"]:
            for message in channel["messages"]:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if "card" in payload:
                    key = (int(payload["handoff_id"]), payload["card"])
                    posted.setdefault(key, float(message["ts"]))
        return posted

    def rate_limited(self) -> int:
        calls = self._slack_state()["calls"]
        return sum(1 for c in calls if c["method"] == "chat.postMessage" and c["status"] == 429)

    def wait_for_cards(self, handoffs: int, timeout: float) -> dict[tuple[int, str], float]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            cards = self.cards()
            if len(cards) >= 2 * handoffs:
                return cards
            time.sleep(0.25)
        raise TimeoutError(f"only {len(self.cards())} of {2 * handoffs} cards after {timeout}s")


def warm_up(service: Service, timeout: float = 15) -> None:
    """Wait for what `serve` does once at start (everyone's time zone from Slack), as a
    bot that has been running a while has done long before a burst."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with read_only(service.runtime.engine) as session:
            if all(p.tz for p in active_people(session=session)):
                return
        time.sleep(0.1)


@contextmanager
def rig(*, latency: float = LATENCY) -> Iterator[Rig]:
    """The bot served over HTTP with its delivery threads running, on a fresh SQLite file,
    against the sandbox playing Slack's limit and latency."""
    logging.getLogger("handshake").setLevel(logging.ERROR)
    slack = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("_slack_process.py")),
            *(CHANNEL, str(latency), str(PER_SECOND), str(BURST)),
            *OWNERS,
            MANAGER,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert slack.stdout is not None and slack.stdin is not None
    slack_url = slack.stdout.readline().strip()
    cfg = config()
    with tempfile.TemporaryDirectory(prefix="handshake-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = prepare_database(database_url, cfg)
        config_path = Path(tmp) / "handshake.yml"  # what a delivery process reads
        config_path.write_text(yaml.safe_dump(config_data()))
        settings = Settings(  # HANDSHAKE_DELIVERY from the environment (run_all sets it)
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack_url,
            HANDSHAKE_INTAKE_TOKEN=INTAKE,
            DATABASE_URL=database_url,
            HANDSHAKE_CONFIG=str(config_path),
            HANDSHAKE_PID_FILE=str(Path(tmp) / "handshake.pid"),
            HANDSHAKE_TICK_SECONDS=1,
        )
        service = build_service(settings, cfg, engine=engine)
        server = start_server(service.http_app)
        service.start_background()
        warm_up(service)
        try:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                yield Rig(slack_url, service, server, http)
        finally:
            service.stop_background()
            server.stop()
            slack.stdin.close()
            slack.wait(timeout=20)
            engine.dispose()
