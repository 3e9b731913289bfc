"""`handshake serve` as a real process: start-up, intake, delivery by its own worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from tests import factories as f
from tests.conftest import BOT_TOKEN, INTAKE_TOKEN, SIGNING_SECRET
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(tmp_path: Path, slack, config: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of a `handshake serve` process on `port`, talking to the stand-in
    Slack, with its SQLite database in `tmp_path` (HTTP mode: no app token)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "HANDSHAKE_CONFIG": str(config),
        "HANDSHAKE_INTAKE_TOKEN": INTAKE_TOKEN,
        "HANDSHAKE_PORT": str(port),
        "HANDSHAKE_TICK_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


@contextmanager
def serving(tmp_path: Path, slack, data: dict, **extra: str) -> Iterator[str]:
    """A `handshake serve` process with config `data` (in `tmp_path`, its working
    directory), its URL once healthy; stopped on exit."""
    with serve_process(tmp_path, slack, data, **extra) as (url, _proc):
        yield url


@contextmanager
def serve_process(
    tmp_path: Path, slack, data: dict, **extra: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`serving`, with the process too."""
    config = tmp_path / "handshake.yml"
    config.write_text(yaml.safe_dump(data))
    port = free_port()
    env = serve_env(tmp_path, slack, config, port, **extra)
    slack.state.now = time.time  # a real process runs on real time
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(url) or proc.poll() is not None, timeout=30)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize("delivery", ["process", "thread"])
def test_serve_routes_a_lead_and_its_worker_posts_the_cards(tmp_path, slack, delivery):
    with serving(tmp_path, slack, f.config_data(), HANDSHAKE_DELIVERY=delivery) as url:
        _routes_a_lead(url, slack)


def _routes_a_lead(served: str, slack) -> None:
    response = httpx.post(
        served + "/api/leads",
        json=f.lead_body(),
        headers={"Authorization": f"Bearer {INTAKE_TOKEN}"},
    )
    assert response.status_code == 202
    owner = response.json()["owner"]
    dm = slack.state.dm_channel_id(owner)
    wait_for(lambda: slack.state.messages(dm) and slack.state.messages(f.CHANNEL), timeout=10)
    assert len(slack.state.messages(dm)) == 1 and len(slack.state.messages(f.CHANNEL)) == 1


@pytest.mark.parametrize("command", ["serve", "deliver"])
def test_serve_refuses_to_start_without_a_signing_secret(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HANDSHAKE_"))}
    env["SLACK_BOT_TOKEN"] = BOT_TOKEN
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SLACK_SIGNING_SECRET" in done.stderr
    assert not (tmp_path / "handshake.db").exists()


def test_handshake_reload_changes_the_running_serve_and_posts_the_change_once(tmp_path, slack):
    """Issue 14 §4: `handshake reload` signals the serve named in ./handshake.pid; the new
    contract applies to the next lead and the hand-off channel hears of it once; a bad file
    is refused and the contract in force stays."""
    data = f.config_data()
    with serving(tmp_path, slack, data) as url:
        config = tmp_path / "handshake.yml"
        env = serve_env(tmp_path, slack, config, 1)  # the port is not used by `reload`
        stricter = {**data, "contract": {**data["contract"], "version": "2026-12", "min_score": 70}}
        config.write_text(yaml.safe_dump(stricter))
        cli = [sys.executable, "-m", "bot.cli", "reload"]
        done = subprocess.run(cli, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "reloaded (contract 2026-12)" in done.stdout
        auth = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
        lead = f.lead_body(score=65, activities=[])
        assert httpx.post(url + "/api/leads", json=lead, headers=auth).json()["status"] == "nurture"
        wait_for(
            lambda: any(
                m.text == "Contract 2026-12: min_score 60 → 70"
                for m in slack.state.messages(f.CHANNEL)
            ),
            timeout=10,
        )

        bad = {**stricter, "contract": {**stricter["contract"], "require": ["emial"]}}
        config.write_text(yaml.safe_dump(bad))
        done = subprocess.run(cli, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 2
        assert 'contract.require[0]: "emial" is not a lead field' in done.stderr
        lead = f.lead_body(score=75, activities=[])
        assert httpx.post(url + "/api/leads", json=lead, headers=auth).json()["status"] == "routed"
        time.sleep(1.5)  # a tick or more: no second post
        posts = [m.text for m in slack.state.messages(f.CHANNEL) if m.text.startswith("Contract")]
        assert posts == ["Contract 2026-12: min_score 60 → 70"]
