"""The SLA clock under scale-out and restarts, with real `handshake serve` processes.

Two instances on one PostgreSQL database send each nudge exactly once; one instance that
was down while a nudge fell due sends it once when it comes back, and never again. The
stand-in Slack counts what arrived.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import yaml
from sqlalchemy import Engine, func, select, update

from bot import ids
from bot.config import HandshakeConfig, parse_config
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.server import prepare_database
from sandbox import Sandbox
from sandbox.calls import Call
from storage.models import (
    ESCALATE,
    OUT_DONE,
    REASSIGN,
    REMIND,
    TIMER_FIRED,
    TIMER_PENDING,
    Event,
    Handoff,
    Outbox,
    Timer,
)
from tests import factories as f
from tests.conftest import BOT_TOKEN, INTAKE_TOKEN, PG_ADMIN_URL, SIGNING_SECRET
from tests.e2e.test_serve import free_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(120)


# -- the processes ---------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def nudged(self) -> list[int]:
        """Hand-off ids this instance's tick nudged (its `nudged handoff=N` log lines)."""
        return [int(m) for m in re.findall(r"\bnudged handoff=(\d+) ", self.log.read_text())]


def start(name: str, tmp_path: Path, slack: Sandbox, database_url: str) -> Instance:
    config = tmp_path / "handshake.yml"
    if not config.exists():
        config.write_text(yaml.safe_dump(f.config_data()))
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "HANDSHAKE_CONFIG": str(config),
        "HANDSHAKE_INTAKE_TOKEN": INTAKE_TOKEN,
        "HANDSHAKE_PORT": str(port),
        "HANDSHAKE_TICK_SECONDS": "1",
        "HANDSHAKE_SLACK_PACING": "false",  # 80 posts to one channel in seconds: unlimited
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    log = tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    instance = Instance(name, proc, f"http://127.0.0.1:{port}", log)
    try:
        wait_for(lambda: _healthy(instance.url) or proc.poll() is not None, timeout=30)
    except AssertionError:
        instance.stop()
        raise
    assert proc.poll() is None, log.read_text()
    return instance


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# -- databases ---------------------------------------------------------------------------


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(f.config_data())  # sla: respond 4h, escalate 8h, reassign 24h


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[str]:
    """A fresh database on the session's PostgreSQL server (skipped when none is reachable
    locally, failed under CI, by `postgres_url`)."""
    name = f"handshake_two_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def real_slack(slack: Sandbox) -> Sandbox:
    slack.state.now = time.time  # real processes run on real time
    return slack


def add_leads(engine: Engine, config: HandshakeConfig, created: list[datetime]) -> list[str]:
    """One routed lead per creation time, each with a name of its own; returns the names."""
    names, runtime = [], Runtime(engine=engine, config=config)
    for i, at in enumerate(created):
        name = f"Nudgee{i:03d}"
        lead, errors = validate_lead(f.lead_body(first_name=name, last_name="Lead"))
        assert lead is not None, errors
        result = ingest(lead, runtime=runtime, now=at)
        assert result.body["status"] == "routed", result.body
        names.append(name)
    return names


# -- what the stand-in Slack received ----------------------------------------------------


def _meta(call: Call) -> dict[str, Any]:
    meta = call.params.get("metadata") or {}
    return json.loads(meta) if isinstance(meta, str) else meta


def posts(slack: Sandbox, event_type: str) -> list[Call]:
    return [
        c
        for c in slack.state.calls("chat.postMessage")
        if c.ok and _meta(c).get("event_type") == event_type
    ]


def nudge_dms(slack: Sandbox) -> list[Call]:
    """Nudges to their owners (threaded notes carry the same metadata, with a thread_ts)."""
    return [c for c in posts(slack, ids.DM_METADATA_EVENT) if not c.params.get("thread_ts")]


def thread_notes(slack: Sandbox) -> list[Call]:
    return [c for c in posts(slack, ids.DM_METADATA_EVENT) if c.params.get("thread_ts")]


def cards(slack: Sandbox) -> Counter[tuple[int, str]]:
    return Counter(
        (_meta(c)["event_payload"]["handoff_id"], _meta(c)["event_payload"]["card"])
        for c in posts(slack, ids.CARD_METADATA_EVENT)
    )


def dms_naming(slack: Sandbox, name: str) -> int:
    return sum(1 for c in nudge_dms(slack) if name in json.dumps(c.params))


def nudged_events(engine: Engine) -> Counter[int]:
    with engine.connect() as conn:
        rows = conn.execute(select(Event.handoff_id).where(Event.kind == "nudged")).all()
    return Counter(h for (h,) in rows)


def outbox_statuses(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {status: n for status, n in rows}


def handoff_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [h for (h,) in conn.execute(select(Handoff.id).order_by(Handoff.id)).all()]


def timers_of(engine: Engine, handoff_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Timer.kind, Timer.status).where(Timer.handoff_id == handoff_id)
        ).all()
    return {kind: status for kind, status in rows}


# -- two instances, one database -----------------------------------------------------------


def test_two_instances_send_each_nudge_exactly_once(tmp_path, pg_database, real_slack, config):
    engine = prepare_database(pg_database, config)
    now = datetime.now(UTC)
    # 28 reminders due an hour ago, 12 falling due one by one while both instances run.
    created = [now - timedelta(hours=5)] * 28 + [
        now - timedelta(hours=4) + timedelta(seconds=4 + 0.5 * k) for k in range(12)
    ]
    names = add_leads(engine, config, created)
    handoffs = handoff_ids(engine)
    assert len(handoffs) == 40

    one = two = None
    try:
        one = start("one", tmp_path, real_slack, pg_database)
        two = start("two", tmp_path, real_slack, pg_database)
        try:
            wait_for(
                lambda: (
                    len(nudge_dms(real_slack)) >= 40
                    and len(thread_notes(real_slack)) >= 40
                    and sum(cards(real_slack).values()) >= 80
                ),
                timeout=40,
                interval=0.2,
            )
        except AssertionError:
            seen = (len(nudge_dms(real_slack)), len(thread_notes(real_slack)), cards(real_slack))
            # what arrived, what the outbox holds, and what the instances said last
            logs = "\n".join(i.log.read_text()[-4000:] for i in (one, two) if i is not None)
            raise AssertionError(f"{seen} {outbox_statuses(engine)}\n{logs}") from None
        time.sleep(3)  # a few more ticks of both: nothing more may arrive
    finally:
        for instance in (one, two):
            if instance is not None:
                instance.stop()

    slack = real_slack
    assert len(nudge_dms(slack)) == 40
    assert all(dms_naming(slack, name) == 1 for name in names), [
        (name, dms_naming(slack, name)) for name in names if dms_naming(slack, name) != 1
    ]
    assert len(thread_notes(slack)) == 40
    assert cards(slack) == Counter(
        {(h, card): 1 for h in handoffs for card in ("owner", "channel")}
    )
    assert nudged_events(engine) == Counter({h: 1 for h in handoffs})
    statuses = outbox_statuses(engine)
    assert statuses == {OUT_DONE: 2 * 40 + 2 * 40}, statuses
    # Both ticks ran against the same rows; between them, every hand-off once.
    by_one, by_two = one.nudged(), two.nudged()
    print(f"nudged by instance one: {len(by_one)}, by instance two: {len(by_two)}")
    assert sorted(by_one + by_two) == handoffs, (by_one, by_two)
    engine.dispose()


# -- one instance, restarted -----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'restart.db'}"
    return str(request.getfixturevalue("pg_database"))


def test_a_nudge_due_while_down_is_sent_once_after_restart(
    tmp_path, database_url, real_slack, config
):
    engine = prepare_database(database_url, config)
    [name] = add_leads(engine, config, [datetime.now(UTC)])  # reminder due in 4 h
    [handoff] = handoff_ids(engine)

    instance = start("first", tmp_path, real_slack, database_url)
    try:
        wait_for(lambda: sum(cards(real_slack).values()) == 2, timeout=15, interval=0.1)
        time.sleep(1.5)  # a tick or so: nothing is due yet
    finally:
        instance.stop()
    assert nudge_dms(real_slack) == []

    # While it is down, the reminder falls due.
    with engine.begin() as conn:
        conn.execute(
            update(Timer)
            .where(Timer.handoff_id == handoff, Timer.kind == REMIND)
            .values(due_at=datetime.now(UTC) - timedelta(minutes=1))
        )

    instance = start("second", tmp_path, real_slack, database_url)
    try:
        wait_for(lambda: nudge_dms(real_slack), timeout=15, interval=0.1)
        wait_for(lambda: thread_notes(real_slack), timeout=10, interval=0.1)
        time.sleep(2.5)  # more ticks: it is not sent again
    finally:
        instance.stop()

    instance = start("third", tmp_path, real_slack, database_url)  # and not after a restart
    try:
        time.sleep(2.5)
    finally:
        instance.stop()

    assert dms_naming(real_slack, name) == 1
    assert len(nudge_dms(real_slack)) == 1 and len(thread_notes(real_slack)) == 1
    assert nudged_events(engine) == Counter({handoff: 1})
    # Fired once; the escalation and the reassignment still wait; no lead was added.
    assert timers_of(engine, handoff) == {
        REMIND: TIMER_FIRED,
        ESCALATE: TIMER_PENDING,
        REASSIGN: TIMER_PENDING,
    }
    assert outbox_statuses(engine) == {OUT_DONE: 4}  # two cards, the DM, the threaded note
    engine.dispose()
