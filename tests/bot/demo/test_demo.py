"""`handshake demo`: the sandbox, the bot wired to it, the demo config and the lead feed."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot import ids
from bot.cli import main
from bot.demo import Demo
from bot.demo.leads import LeadGenerator
from bot.demo.roster import DEMO_CONFIG, demo_config, title
from bot.domain.qualify import qualify
from bot.intake.validate import validate_lead
from sandbox.models import Message
from tests.helpers import button_texts, rendered, wait_for

CHANNEL = "C0HANDOFF1"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def test_demo_config_loads_with_two_teams_and_the_three_signals():
    config = demo_config()
    assert config.handoff_channel == CHANNEL
    assert [t.name for t in config.teams] == ["enterprise", "emea"]
    assert {s.name for s in config.contract.signals} == {
        "Visited pricing",
        "15+ minutes on site",
        "Requested a demo",
    }
    assert config.contract.min_score == 60
    labels = {p.name: title(p) for p in config.people}
    assert labels["Ana Alvarez"] == "AE · Enterprise"
    assert labels["Max Mueller"] == "Sales manager · EMEA"
    assert labels["Ada Admin"] == "RevOps admin"
    assert DEMO_CONFIG.suffix == ".yml"


def test_lead_generator_is_deterministic_and_its_leads_validate():
    first = LeadGenerator(42, now=lambda: NOW).take(20)
    assert first == LeadGenerator(42, now=lambda: NOW).take(20)
    assert first != LeadGenerator(43, now=lambda: NOW).take(20)
    contract = demo_config().contract
    config = demo_config()
    outcomes, teams = [], set()
    for body in first:
        lead, errors = validate_lead(body)
        assert lead is not None, errors
        assert not lead.extra  # only fields the intake contract knows
        outcomes.append(qualify(lead.as_mapping(), contract).qualified)
        teams.add(config.team_for_country(body["country"]).name)
    assert outcomes == [n % 5 != 4 for n in range(1, 21)]  # one in five stays in nurture
    assert teams == {"enterprise", "emea"}
    assert len({b["external_id"] for b in first}) == 20


def cards(demo: Demo, channel: str) -> list[Message]:
    assert demo.sandbox is not None
    return [m for m in demo.sandbox.state.messages(channel) if m.metadata]


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-must-be-ignored")  # the demo is HTTP mode
    demo = Demo(port=0, leads=3, every=0, seed=7, colleagues=False)  # the test clicks
    yield demo
    demo.stop()


def test_demo_posts_cards_and_a_click_through_the_sandbox_decides(demo: Demo):
    before = set(threading.enumerate())
    started = time.monotonic()
    url = demo.start()
    assert demo.sandbox is not None and demo.bot_server is not None and demo.service is not None
    assert url.startswith("http://127.0.0.1:") and demo.service.socket_mode is None
    wait_for(lambda: cards(demo, CHANNEL), timeout=10)
    first_card = time.monotonic() - started
    assert first_card < 10
    wait_for(lambda: len(cards(demo, CHANNEL)) == 3, timeout=10)  # the 3 leads all qualify

    config = demo_config()
    state = demo.sandbox.state
    dms = {p.slack_id: cards(demo, state.dm_channel_id(p.slack_id)) for p in config.people}
    owner, owner_cards = next((who, found) for who, found in dms.items() if found)
    card = owner_cards[0]
    assert button_texts(card) == ["Accept", "Reject", "Hand back"]
    handoff_id = card.metadata["event_payload"]["handoff_id"]

    peer = demo.sandbox.peer(demo.bot_server.url + "/slack/events")
    response = peer.click(
        owner, ids.ACCEPT, str(handoff_id), message_channel=card.channel, message_ts=card.ts
    )
    assert response.status_code == 200

    def decided(channel: str) -> bool:
        payloads = [(m, m.metadata["event_payload"]) for m in cards(demo, channel)]
        mine = [m for m, payload in payloads if payload["handoff_id"] == handoff_id]
        assert len(mine) == 1  # updated in place, never posted twice
        return "Accept" not in button_texts(mine[0]) and "Accepted" in rendered(mine[0])

    wait_for(lambda: decided(card.channel), timeout=10)
    wait_for(lambda: decided(CHANNEL), timeout=10)

    # A fast second click, made on the card as the page still showed it: the bot's answer
    # is shown, never "action_not_found".
    late = httpx.post(
        demo.sandbox.url + "/_sandbox/ui/action",
        json={"user": owner, "channel": card.channel, "ts": card.ts, "action_id": ids.ACCEPT},
        timeout=10,
    )
    assert late.status_code == 200, late.text
    answer = wait_for(lambda: state.ephemerals(user=owner, channel=card.channel), timeout=10)
    assert "accepted" in answer[0].text.lower()

    tempdir = demo.tempdir
    assert tempdir is not None and Path(tempdir).is_dir()
    demo.stop()
    assert not Path(tempdir).exists()
    leftover = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    assert leftover == []


def test_feed_keeps_posting_and_stop_ends_it(monkeypatch: pytest.MonkeyPatch):
    demo = Demo(port=0, leads=1, every=0.2, seed=1)
    try:
        demo.start()
        assert demo.feed is not None
        wait_for(lambda: len(demo.feed.posted) >= 4, timeout=10)  # type: ignore[union-attr]
        assert {a["status"] for a in demo.feed.posted} <= {"routed", "nurture"}
    finally:
        demo.stop()
    assert "handshake-demo-feed" not in {t.name for t in threading.enumerate()}


def test_leads_zero_posts_nothing(tmp_path: Path):
    db = tmp_path / "kept.db"
    demo = Demo(port=0, leads=0, every=0.1, db=str(db))
    try:
        demo.start()
        time.sleep(0.5)
        assert demo.feed is not None and demo.feed.posted == []
        assert demo.tempdir is None
    finally:
        demo.stop()
    assert db.exists()  # a --db file is kept


def test_busy_port_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["demo", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"handshake: cannot listen on 127.0.0.1:{port} (")
    assert err[0].endswith("pick another with --port")
    assert "handshake-demo-feed" not in {t.name for t in threading.enumerate()}


def test_the_console_shows_the_url_and_handshakes_lines_not_the_schedulers(tmp_path: Path):
    """`handshake demo` as a real process: APScheduler's per-second INFO lines stay out."""
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--port", "0", "--leads", "1", "--every", "0.5"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killer = threading.Timer(60, proc.kill)  # a demo that never prints its URL fails, not hangs
    killer.start()
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        time.sleep(3)  # the scheduler's jobs run every second; the feed posts every 0.5s
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        killer.cancel()
    assert re.fullmatch(r"Handshake demo: open http://127\.0\.0\.1:\d+\n", first), first + out
    assert proc.returncode == 0, err
    lines = err.splitlines()
    chatter = [line for line in lines if "level=INFO logger=apscheduler" in line]
    assert chatter == []
    assert any("logger=handshake.demo demo started" in line for line in lines), err
    assert any("logger=handshake.delivery card delivered" in line for line in lines), err
