"""The setup commands against the stand-in Slack: a workspace whose users have the roster's
emails, and a `Cli` harness pointed at it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sandbox import Sandbox
from sandbox.webhook_receiver import WebhookReceiver
from tests import factories as f
from tests.conftest import BOT_TOKEN, INTAKE_TOKEN

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"handshake-doctor-webhook-secret!").decode()


@pytest.fixture
def workspace(slack: Sandbox) -> Sandbox:
    """The test roster as Slack users with their emails."""
    for person in f.PEOPLE:
        slack.state.users[person["slack_id"]].email = person["email"]
    return slack


@pytest.fixture(scope="session")
def receiver() -> Iterator[WebhookReceiver]:
    box = WebhookReceiver.start(secret=WEBHOOK_SECRET)
    yield box
    box.stop()


@pytest.fixture
def setup_env(
    tmp_path: Path, workspace: Sandbox, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> dict[str, Any]:
    """A migrated database (each backend), the environment doctor reads, no .env."""
    monkeypatch.chdir(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": workspace.api_url,
        "DATABASE_URL": url,
        "HANDSHAKE_CONFIG": str(tmp_path / "handshake.yml"),
        "HANDSHAKE_INTAKE_TOKEN": INTAKE_TOKEN,
        "DOCTOR_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
