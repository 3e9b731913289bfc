"""Fixtures for the stand-in Slack's own tests: one server per session, a fresh workspace
and a steerable clock per test."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.routing import Route

from sandbox import RunningServer, Sandbox, SandboxState, start_server
from tests.sandbox.echo_bot import EchoBot
from tests.sandbox.workspace import ANA, BO, HANDOFF, SECRET, TOKEN


class Clock:
    """Real time plus an offset that tests move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


_clock = Clock()


@pytest.fixture(scope="session")
def running_sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox.start(bot_token=TOKEN, signing_secret=SECRET, now=_clock)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def clock() -> Clock:
    return _clock


@pytest.fixture
def sandbox(running_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox, emptied and seeded with two people and a hand-off channel."""
    _clock.offset = 0.0
    state = running_sandbox.state
    state.reset()
    state.allow_peek = True
    state.add_user(ANA, "ana", "Ana Alvarez")
    state.add_user(BO, "bo", "Bo Brown", tz="Europe/Berlin")
    state.add_channel(HANDOFF, "handoffs")
    return running_sandbox


@pytest.fixture
def state(sandbox: Sandbox) -> SandboxState:
    return sandbox.state


@pytest.fixture
def client(sandbox: Sandbox) -> WebClient:
    return WebClient(token=TOKEN, base_url=sandbox.api_url, timeout=5)


@pytest.fixture(scope="session")
def echo_server() -> Iterator[tuple[RunningServer, EchoBot]]:
    bot = EchoBot()
    server = start_server(Starlette(routes=[Route("/slack/events", bot.events, methods=["POST"])]))
    yield server, bot
    server.stop()


@pytest.fixture
def bot(sandbox: Sandbox, echo_server: tuple[RunningServer, EchoBot]) -> EchoBot:
    server, echo = echo_server
    echo.received.clear()
    echo.hook = None
    sandbox.connect_bot(server.url + "/slack/events")
    return echo
