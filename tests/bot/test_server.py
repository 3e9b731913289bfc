"""How `serve` wires itself: HTTP mode, Socket Mode, the database on start."""

from __future__ import annotations

import httpx

from bot.server import build_service
from bot.settings import Settings
from sandbox import start_server
from storage.migrate import current_revision
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


def settings(slack, **extra) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        HANDSHAKE_INTAKE_TOKEN="t",
        HANDSHAKE_DELIVERY="thread",
        **extra,
    )


def test_socket_mode_keeps_intake_and_health_on_http(engine, config, slack):
    service = build_service(settings(slack, SLACK_APP_TOKEN="xapp-1-test"), config, engine=engine)
    assert service.socket_mode is not None
    assert service.socket_mode.client.web_client.base_url == slack.api_url
    with start_server(service.http_app) as server:
        assert httpx.get(server.url + "/healthz").status_code == 200
        assert httpx.post(server.url + "/slack/events", content="{}").status_code == 404
        assert httpx.post(server.url + "/api/leads", json={}).status_code == 401


def test_http_mode_has_no_socket_mode(engine, config, slack):
    assert build_service(settings(slack), config, engine=engine).socket_mode is None


def test_an_empty_database_is_migrated_on_start(engine):
    assert current_revision(engine) is not None
