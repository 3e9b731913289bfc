"""`kill -9` during a webhook call, then restart: nothing is lost, and the one event the
receiver saw twice carries the same webhook-id both times, so it applies it once."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, update

from sandbox.webhook_receiver import WebhookReceiver
from storage.models import LANE_WEBHOOK, OUT_DONE, OUT_SENDING, Outbox
from tests import factories as f
from tests.bot.webhooks.conftest import SECRET, SECRET_ENV
from tests.conftest import INTAKE_TOKEN
from tests.e2e.test_serve import _healthy, free_port, serve_env
from tests.helpers import wait_for


@pytest.fixture
def receiver():
    receiver = WebhookReceiver.start(SECRET)
    yield receiver
    receiver.stop()


def serve(tmp_path: Path, slack, receiver: WebhookReceiver, port: int) -> subprocess.Popen[str]:
    config = tmp_path / "handshake.yml"
    hook = {"url": receiver.url, "secret_env": SECRET_ENV, "events": ["lead.routed"]}
    config.write_text(yaml.safe_dump(f.config_data(webhooks=[hook])))
    env = serve_env(tmp_path, slack, config, port, **{SECRET_ENV: SECRET})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _healthy(url) or proc.poll() is not None, timeout=30)
    assert proc.poll() is None, "serve did not start"
    return proc


def test_kill_9_during_a_webhook_call_then_restart_loses_nothing(tmp_path, slack, receiver):
    slack.state.now = time.time  # real processes run on real time
    port = free_port()
    first = serve(tmp_path, slack, receiver, port)
    try:
        receiver.hang_after_success(30)  # the receiver applies the event, then never answers
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/leads",
            json=f.lead_body(),
            headers={"Authorization": f"Bearer {INTAKE_TOKEN}"},
        )
        assert answer.status_code == 202
        wait_for(lambda: receiver.deliveries, timeout=15)  # the call is in flight now
    finally:
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait(timeout=10)

    engine = create_engine(f"sqlite:///{tmp_path / 'serve.db'}")
    with engine.begin() as db:  # the row is left `sending`; let its lease run out
        stale = db.execute(
            update(Outbox)
            .where(Outbox.lane == LANE_WEBHOOK, Outbox.status == OUT_SENDING)
            .values(updated_at=Outbox.updated_at - timedelta(minutes=10))
        )
        assert stale.rowcount == 1

    second = serve(tmp_path, slack, receiver, port)
    try:
        wait_for(lambda: len(receiver.deliveries) >= 2, timeout=20)
        with engine.connect() as db:
            wait_for(
                lambda: (
                    db.execute(Outbox.__table__.select().where(Outbox.lane == LANE_WEBHOOK))
                    .fetchall()[0]
                    .status
                    == OUT_DONE
                ),
                timeout=10,
            )
    finally:
        second.terminate()
        second.wait(timeout=10)
    engine.dispose()

    first_try, again = receiver.deliveries[:2]
    assert first_try.webhook_id == again.webhook_id  # the receiver can tell it is the same
    assert all(d.verified for d in receiver.deliveries)
    assert [e["type"] for e in receiver.effects] == ["lead.routed"]  # applied once
    assert len(receiver.deliveries) == 2
