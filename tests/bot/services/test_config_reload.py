"""Reloading the config without a restart (issue 14 §4): a good change applies to the next
request and to every delivery lane, a bad one is refused with its problems and the old
config stays; SIGHUP and `handshake reload` reach the same reload."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlmodel import select

from bot.cli import main
from bot.server import Service, _reload_on_hangup, build_service
from bot.services.config_reload import read_status, signal_serve
from bot.settings import Settings
from sandbox import start_server
from storage.db import read_only
from storage.models import Person
from tests import factories as f
from tests.conftest import BOT_TOKEN, INTAKE_TOKEN, SIGNING_SECRET

NEW_AE = {
    "slack_id": "U0AE0NEW1",
    "name": "Nia New",
    "email": "nia@example.com",
    "role": "ae",
    "team": f.CONFIG["teams"][0]["name"],
}


def write(path: Path, **changes: Any) -> Path:
    data = f.config_data(**changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def stricter() -> dict[str, Any]:
    return {
        "contract": {**f.CONFIG["contract"], "version": "2026-12", "min_score": 70},
        "people": [*f.PEOPLE, NEW_AE],
    }


@pytest.fixture
def service(engine, config, slack) -> Service:
    settings = Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        HANDSHAKE_INTAKE_TOKEN=INTAKE_TOKEN,
        HANDSHAKE_DELIVERY="thread",
    )
    return build_service(settings, config, engine=engine)


@pytest.fixture
def http(service: Service) -> Iterator[httpx.Client]:
    server = start_server(service.http_app)
    auth = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    with httpx.Client(base_url=server.url, timeout=10, headers=auth) as client:
        yield client
    server.stop()


def status_of(http: httpx.Client, score: int) -> str:
    response = http.post("/api/leads", json=f.lead_body(score=score, activities=[]))
    assert response.status_code in (200, 201, 202), response.text
    return response.json()["status"]


def test_a_good_change_applies_to_the_next_request_and_every_lane(service, http, tmp_path):
    assert status_of(http, 65) == "routed"  # min_score 60
    outcome = service.reload(str(write(tmp_path / "h.yml", **stricter())))

    assert outcome.applied and outcome.problems == [] and outcome.version == "2026-12"
    new = service.runtime.config
    assert new.contract.min_score == 70
    assert all(lane.worker.config is new for lane in service.lanes)
    assert status_of(http, 65) == "nurture"  # the same lead now falls short
    assert status_of(http, 75) == "routed"
    with read_only(service.runtime.engine) as session:  # the roster is loaded, as at start
        assert session.exec(select(Person).where(Person.slack_id == "U0AE0NEW1")).one()


def test_a_bad_change_is_refused_and_the_old_config_stays(service, http, tmp_path):
    before = service.runtime.config
    bad = {
        "contract": {
            **f.CONFIG["contract"],
            "min_score": 70,
            "require": [{"employes": {"min": 200}}, {"employees": {"min": 9, "max": 1}}],
        }
    }
    pid_file = tmp_path / "handshake.pid"
    outcome = service.reload(str(write(tmp_path / "h.yml", **bad)), str(pid_file))

    assert not outcome.applied
    assert any(p.startswith('contract.require[0]: "employes"') for p in outcome.problems)
    assert any(p.startswith("contract.require[1].min: 9 is above max") for p in outcome.problems)
    assert service.runtime.config is before
    assert all(lane.worker.config is before for lane in service.lanes)
    assert status_of(http, 65) == "routed"  # still min_score 60
    status = read_status(pid_file)
    assert status["applied"] is False and status["problems"] == outcome.problems
    assert status["version"] == "2026-11"


def test_sighup_and_handshake_reload(service, tmp_path, monkeypatch, capsys):
    """`handshake reload` checks the file, signals the pid in the pid file (this test's own
    process, where serve's SIGHUP handler is installed) and prints what serve did."""
    config_path = write(tmp_path / "h.yml", **stricter())
    pid_file = tmp_path / "handshake.pid"
    monkeypatch.setenv("HANDSHAKE_CONFIG", str(config_path))
    monkeypatch.setenv("HANDSHAKE_PID_FILE", str(pid_file))
    previous = signal.getsignal(signal.SIGHUP)
    monkeypatch.setattr("bot.services.config_reload._is_serve", lambda pid: True)  # pytest
    try:
        _reload_on_hangup(service, str(config_path), str(pid_file))
        assert main(["reload"]) == 0
        assert "reloaded (contract 2026-12)" in capsys.readouterr().out
        assert service.runtime.config.contract.min_score == 70

        # A bad file: `handshake reload` refuses it without signalling serve.
        write(config_path, contract={**f.CONFIG["contract"], "min_score": -1})
        seq = read_status(pid_file)["seq"]
        assert main(["reload"]) == 2
        err = capsys.readouterr().err
        assert "contract.min_score" in err
        assert read_status(pid_file)["seq"] == seq  # serve was not asked
        assert service.runtime.config.contract.min_score == 70

        # A file that turns bad between the check and serve's read: serve refuses it.
        monkeypatch.setattr("bot.cli.load_config", lambda *a, **k: None)
        assert main(["reload"]) == 2
        assert "serve refused the config, the old one stays" in capsys.readouterr().err
        assert read_status(pid_file)["seq"] == seq + 1
        assert service.runtime.config.contract.min_score == 70
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_reload_without_a_running_serve(tmp_path):
    assert "no running serve" in str(signal_serve(tmp_path / "none.pid"))
    (tmp_path / "stale.pid").write_text("999999999\n")
    assert "is serve running?" in str(signal_serve(tmp_path / "stale.pid"))


def test_reload_never_signals_a_process_that_is_not_serve(tmp_path):
    """A pid file left by a serve killed with SIGKILL, its pid since given to another
    process: that process is left alone."""
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pid_file = tmp_path / "handshake.pid"
        pid_file.write_text(f"{other.pid}\n")
        said = str(signal_serve(pid_file, wait_s=0.5))
        assert f"process {other.pid}" in said and "is not handshake serve" in said
        assert other.poll() is None  # still running: never signalled
    finally:
        other.kill()
        other.wait()
