"""A stand-in webhook receiver on localhost, a config that sends to it, and the webhook
lane's worker, driven tick by tick."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from bot.config import HandshakeConfig, parse_config
from bot.delivery import DeliveryWorker
from bot.runtime import Runtime
from bot.server import build_worker
from sandbox.webhook_receiver import WebhookReceiver
from storage.db import unit_of_work
from storage.models import LANE_WEBHOOK, Outbox
from tests import factories as f

SECRET = "whsec_" + base64.b64encode(b"handshake-test-webhook-secret!!").decode()
SECRET_ENV = "HANDSHAKE_TEST_WEBHOOK_SECRET"
DECISIONS = ["handoff.accepted", "handoff.rejected", "handoff.handed_back"]


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver.start(SECRET)
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(receiver_server: WebhookReceiver) -> WebhookReceiver:
    receiver_server.reset()
    return receiver_server


@pytest.fixture
def events() -> list[str] | None:
    """The events the test's webhook subscribes to (None: the default, every event)."""
    return None


@pytest.fixture
def config(receiver: WebhookReceiver, events: list[str] | None) -> HandshakeConfig:
    hook: dict[str, object] = {"url": receiver.url, "secret_env": SECRET_ENV}
    if events is not None:
        hook["events"] = events
    return parse_config(f.config_data(webhooks=[hook]), environ={SECRET_ENV: SECRET})


@pytest.fixture
def hooks(runtime: Runtime) -> Iterator[DeliveryWorker]:
    """The webhook lane's worker; a short timeout, so a hanging receiver is quick to show."""
    with httpx.Client(timeout=1.0) as http:
        yield build_worker(
            engine=runtime.engine,
            config=runtime.config,
            client=None,
            clock=runtime.clock,
            lane=LANE_WEBHOOK,
            http=http,
        )


def webhook_rows(runtime: Runtime) -> list[Outbox]:
    with unit_of_work(runtime.engine) as session:
        query = select(Outbox).where(Outbox.lane == LANE_WEBHOOK).order_by(Outbox.id)
        return list(session.exec(query).all())
