"""`GET /readyz`: 503 with each reason until the database is writable and migrated, every
delivery thread is alive and, in Socket Mode, the socket is connected; then 200."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from bot.delivery import DeliveryThread
from bot.server import build_service, socket_problem
from bot.settings import Settings
from sandbox import start_server
from storage.db import make_engine
from storage.migrate import upgrade
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.helpers import wait_for

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def settings(slack, **extra) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        HANDSHAKE_INTAKE_TOKEN="t",
        HANDSHAKE_DELIVERY="thread",
        **extra,
    )


@pytest.fixture
def service(engine, config, slack):
    service = build_service(settings(slack), config, engine=engine)
    yield service
    for lane in service.lanes:
        lane.stop()


def readyz(service) -> httpx.Response:
    with start_server(service.http_app) as server:
        return httpx.get(server.url + "/readyz")


def start_lanes(service) -> None:
    for lane in service.lanes:
        lane.start()
    wait_for(lambda: all(lane.problem() is None for lane in service.lanes))


def test_ready_once_every_delivery_thread_runs(service):
    answer = readyz(service)
    assert answer.status_code == 503
    problems = answer.json()["problems"]
    assert set(problems) == {lane.name for lane in service.lanes}
    assert all("not started" in why for why in problems.values())
    start_lanes(service)
    answer = readyz(service)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "ready"}


def test_a_stopped_delivery_thread_is_not_ready(service):
    start_lanes(service)
    service.outside[0].stop()
    answer = readyz(service)
    assert answer.status_code == 503
    assert answer.json()["problems"] == {
        service.outside[0].name: f"{service.outside[0].name} stopped"
    }


class Crashing:
    """A worker whose pass ends the thread (what an uncaught BaseException does)."""

    def __init__(self, gate: threading.Event | None = None):
        self.on_free, self.detached, self.gate = None, False, gate

    def run_once(self) -> int:
        if self.gate is not None:
            self.gate.wait()
            return 0
        raise SystemExit("boom")

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_crashed_delivery_thread_is_not_ready(service):
    crashed = DeliveryThread(Crashing(), 15, name="handshake-delivery-crashing")
    service.runtime.readiness.add(crashed.name, crashed.problem)
    start_lanes(service)
    crashed.start()
    wait_for(lambda: crashed.problem() == f"{crashed.name} crashed")
    answer = readyz(service)
    assert answer.status_code == 503
    assert answer.json()["problems"] == {crashed.name: f"{crashed.name} crashed"}


def test_a_delivery_thread_stuck_in_a_pass_is_not_ready(service):
    stuck = DeliveryThread(Crashing(threading.Event()), 0.01, name="handshake-stuck", grace=0)
    service.runtime.readiness.add(stuck.name, stuck.problem)
    start_lanes(service)
    stuck.start()
    try:
        wait_for(lambda: "has not come round" in (stuck.problem() or ""))
        answer = readyz(service)
        assert answer.status_code == 503
        assert "has not come round" in answer.json()["problems"][stuck.name]
    finally:
        stuck.stop()


def test_socket_mode_not_connected_is_not_ready(engine, config, slack):
    service = build_service(settings(slack, SLACK_APP_TOKEN="xapp-1-test"), config, engine=engine)
    start_lanes(service)
    try:
        assert socket_problem(service.socket_mode) == "not connected to Slack"
        answer = readyz(service)
        assert answer.status_code == 503
        assert answer.json()["problems"] == {"socket_mode": "not connected to Slack"}
    finally:
        for lane in service.lanes:
            lane.stop()


@SQLITE
def test_a_read_only_database_is_not_ready(service):
    start_lanes(service)
    healthy = service.runtime.engine
    path = Path(healthy.url.database)
    service.runtime.engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        answer = readyz(service)
    finally:
        service.runtime.engine.dispose()
        service.runtime.engine = healthy
    assert answer.status_code == 503
    assert answer.json()["problems"]["database"].startswith("cannot be written to")
    assert readyz(service).status_code == 200


@SQLITE
def test_a_database_not_migrated_or_behind_is_not_ready(service, tmp_path):
    start_lanes(service)
    healthy = service.runtime.engine
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    behind = make_engine(f"sqlite:///{tmp_path / 'behind.db'}")
    upgrade(behind, "0012")
    try:
        service.runtime.engine = empty
        not_migrated = readyz(service)
        service.runtime.engine = behind
        old = readyz(service)
    finally:
        service.runtime.engine = healthy
        empty.dispose()
        behind.dispose()
    assert not_migrated.status_code == 503
    assert "not migrated" in not_migrated.json()["problems"]["database"]
    assert old.status_code == 503
    assert "at migration 0012" in old.json()["problems"]["database"]
