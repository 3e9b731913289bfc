"""Shared fixtures: a real database (SQLite file and PostgreSQL), the stand-in Slack,
the bot served over HTTP, and a delivery worker the test drives tick by tick."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from bot.config import HandshakeConfig, parse_config
from bot.delivery import DeliveryWorker
from bot.runtime import Runtime
from bot.server import build_service, build_worker, prepare_database
from bot.settings import Settings
from handlers.actions import one_click
from handlers.later import ClickRunner
from sandbox import RunningServer, Sandbox, SlackPeer, start_server
from tests import factories as f

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"
INTAKE_TOKEN = "intake-test-token"
PG_ADMIN_URL = os.environ.get(
    "HANDSHAKE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


# -- databases -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway database for this test session, dropped at the end."""
    name = f"handshake_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must never skip the PostgreSQL half of the suite
        pytest.skip(message)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = prepare_database(postgres_url, parse_config(f.config_data()))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(f.config_data())


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path, config) -> Iterator[Engine]:
    """A migrated, empty database with the test roster loaded."""
    if backend == "sqlite":
        engine = prepare_database(f"sqlite:///{tmp_path / 'handshake.db'}", config)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgres_engine")
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    prepare_database(engine.url.render_as_string(hide_password=False), config).dispose()
    yield engine


@pytest.fixture
def clock() -> f.FakeClock:
    return f.FakeClock()


@pytest.fixture
def runtime(engine: Engine, config: HandshakeConfig, clock: f.FakeClock) -> Runtime:
    return Runtime(engine=engine, config=config, clock=clock)


# -- the stand-in Slack ----------------------------------------------------------------


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox.start(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    yield box
    box.stop()


TIMEZONES = {f.ANA: "America/New_York", f.BEN: "America/Los_Angeles", f.EVE: "Europe/Berlin"}


@pytest.fixture
def slack(sandbox: Sandbox, clock: f.FakeClock) -> Sandbox:
    """The sandbox, emptied, with the roster as users and the hand-off channel.
    Slack and the bot share the test's clock, as real ones share real time."""
    sandbox.state.now = lambda: clock().timestamp()
    sandbox.state.reset()
    for person in f.PEOPLE:
        sandbox.state.add_user(
            person["slack_id"],
            person["name"].split()[0].lower(),
            real_name=person["name"],
            tz=TIMEZONES.get(person["slack_id"], "UTC"),
        )
    sandbox.state.add_channel(f.CHANNEL, "lead-handoff")
    return sandbox


def slack_client(sandbox: Sandbox, timeout: float = 5) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=sandbox.api_url, timeout=timeout, retry_handlers=[])


@pytest.fixture
def worker(runtime: Runtime, slack: Sandbox) -> DeliveryWorker:
    return build_worker(
        engine=runtime.engine,
        config=runtime.config,
        client=slack_client(slack),
        clock=runtime.clock,
    )


# -- the bot, served over HTTP ------------------------------------------------------------


@dataclass
class Bot:
    url: str
    runtime: Runtime
    worker: DeliveryWorker
    peer: SlackPeer
    slack: Sandbox
    http: httpx.Client

    def post_lead(self, body: object, *, token: str | None = INTAKE_TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post("/api/leads", json=body, headers=headers)

    clicks: ClickRunner | None = None  # `deferring_bot`: one-click buttons queue their work

    def deliver(self) -> int:
        """The queued clicks' work first (as the delivery process would), then the outbox."""
        if self.clicks is not None:
            self.clicks.run_pending()
        return self.worker.run_once()

    def tick(self) -> object:
        """One scheduler tick (fire due timers), then deliver what it queued."""
        from bot.scheduler import run_tick

        report = run_tick(self.runtime)
        self.deliver()
        return report


@pytest.fixture
def bot(
    engine: Engine,
    config: HandshakeConfig,
    clock: f.FakeClock,
    slack: Sandbox,
    worker: DeliveryWorker,
) -> Iterator[Bot]:
    yield from _serve_bot(engine, config, clock, slack, worker, defer_clicks=False)


@pytest.fixture
def deferring_bot(
    engine: Engine,
    config: HandshakeConfig,
    clock: f.FakeClock,
    slack: Sandbox,
    worker: DeliveryWorker,
) -> Iterator[Bot]:
    """The bot as `serve` with its delivery process runs it: a one-click button is acked
    and queued (handlers/later.py), and a `ClickRunner` on threads of this process (the
    delivery process's part) does its work; `Bot.deliver()` also runs whatever clicks are
    still waiting before the outbox."""
    yield from _serve_bot(engine, config, clock, slack, worker, defer_clicks=True)


@pytest.fixture(params=["inline", "deferred"])
def either_bot(request: pytest.FixtureRequest, engine: Engine) -> Bot:
    """A module that says `bot = either_bot` runs each test twice: a one-click button's
    work in the web process, and queued for the delivery process. (It names `engine` so
    that a test may parametrize `backend`.)"""
    name = "bot" if request.param == "inline" else "deferring_bot"
    return request.getfixturevalue(name)


def _serve_bot(
    engine: Engine,
    config: HandshakeConfig,
    clock: f.FakeClock,
    slack: Sandbox,
    worker: DeliveryWorker,
    *,
    defer_clicks: bool,
) -> Iterator[Bot]:
    settings = Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        HANDSHAKE_INTAKE_TOKEN=INTAKE_TOKEN,
        DATABASE_URL="sqlite://",
        HANDSHAKE_DELIVERY="thread",  # in this process: the tests drive the worker
    )
    service = build_service(settings, config, engine=engine, clock=clock)
    service.runtime.defer_clicks = defer_clicks
    clicks = None
    if defer_clicks:
        assert worker.client is not None
        clicks = ClickRunner(service.runtime, worker.client, one_click())
        service.runtime.wake = clicks.wake
        clicks.start()
    server: RunningServer = start_server(service.http_app)
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield Bot(
            server.url,
            service.runtime,
            worker,
            slack.peer(server.url + "/slack/events"),
            slack,
            http,
            clicks,
        )
    server.stop()
    if clicks is not None:
        clicks.stop()
