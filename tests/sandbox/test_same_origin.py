"""Another web site cannot drive the sandbox through the person's browser.

A page anywhere can make the browser POST to http://127.0.0.1:<port> with `mode:
"no-cors"` (text/plain or a form body, its own Origin), and a name rebound to 127.0.0.1
reaches the sandbox with a foreign Host. Each is refused before it reaches the bot or
the workspace; the page's own requests still work.
"""

from __future__ import annotations

import json

import httpx
import pytest
from slack_sdk import WebClient

from sandbox import Sandbox, SandboxState
from tests.sandbox.echo_bot import EchoBot
from tests.sandbox.workspace import ANA, HANDOFF, TOKEN

EVIL = "https://evil.example"
AWAY = json.dumps({"user": ANA, "text": "away until 2099"})


def own_origin(sandbox: Sandbox, name: str = "127.0.0.1") -> str:
    return f"http://{name}:{sandbox.server.port}"


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain;charset=UTF-8", "Origin": EVIL},
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL},
        {"Content-Type": "multipart/form-data; boundary=x", "Origin": "null"},
        {"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "text/plain"},  # no Origin at all: still not JSON
        {"Content-Type": "application/json", "Origin": EVIL},
        {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"},
    ],
)
def test_a_foreign_page_cannot_send_a_command(
    sandbox: Sandbox, bot: EchoBot, headers: dict[str, str]
) -> None:
    answer = httpx.post(f"{sandbox.url}/_sandbox/ui/command", content=AWAY, headers=headers)
    assert answer.status_code in (403, 415)
    assert "sandbox" in answer.text or "application/json" in answer.text
    assert bot.received == []


@pytest.mark.parametrize("route", ["action", "submit", "close", "home"])
def test_every_page_action_refuses_a_no_cors_post(
    sandbox: Sandbox, bot: EchoBot, route: str
) -> None:
    body = json.dumps({"user": ANA, "view_id": "V1", "action_id": "accept"})
    answer = httpx.post(
        f"{sandbox.url}/_sandbox/ui/{route}",
        content=body,
        headers={"Content-Type": "text/plain", "Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    )
    assert answer.status_code == 403
    assert bot.received == []


def test_a_foreign_page_cannot_inject_faults(
    sandbox: Sandbox, state: SandboxState, client: WebClient
) -> None:
    for headers in (
        {"Content-Type": "text/plain", "Origin": EVIL},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/json", "Origin": EVIL},
    ):
        answer = httpx.post(
            sandbox.url + "/_sandbox/faults",
            content=json.dumps({"method": "*", "status": 503, "times": 99}),
            headers=headers,
        )
        assert answer.status_code in (403, 415)
    assert state.faults.pending() == []
    assert client.auth_test()["ok"]


def test_the_pages_own_requests_work(sandbox: Sandbox, bot: EchoBot) -> None:
    for name in ("127.0.0.1", "localhost"):
        headers = {
            "Origin": own_origin(sandbox, name),
            "Sec-Fetch-Site": "same-origin",
            "Host": f"{name}:{sandbox.server.port}",
        }
        answer = httpx.post(
            f"{sandbox.url}/_sandbox/ui/command",
            json={"user": ANA, "text": "help"},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        state = httpx.get(f"{sandbox.url}/_sandbox/state?as={ANA}", headers=headers)
        assert state.status_code == 200
    assert [r.payload["text"] for r in bot.received] == ["help", "help"]
    fault = httpx.post(
        sandbox.url + "/_sandbox/faults",
        json={"clear": True},
        headers={"Origin": own_origin(sandbox, "localhost")},
    )
    assert fault.json() == {"ok": True}


def test_following_a_link_opens_the_page_and_nothing_else(sandbox: Sandbox) -> None:
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert httpx.get(sandbox.page_url, headers=headers).status_code == 200
    for path in ("/_sandbox/state", f"/api/auth.test?token={TOKEN}", "/static/app.js"):
        assert httpx.get(sandbox.url + path, headers=headers).status_code == 403
    embedded = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}  # <img>, <script>
    assert (
        httpx.get(f"{sandbox.url}/api/auth.test?token={TOKEN}", headers=embedded).status_code == 403
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/static/app.js"),
        ("GET", "/_sandbox/state"),
        ("GET", "/_sandbox/people"),
        ("GET", "/_sandbox/stream"),
        ("GET", "/_sandbox/files/F1"),
        ("POST", "/_sandbox/ui/home"),
        ("POST", "/_sandbox/faults"),
        ("POST", "/api/auth.test"),
        ("POST", "/_sandbox/respond/anything"),
        ("POST", "/_sandbox/upload/F1"),
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}"])
def test_a_foreign_host_is_refused_everywhere(
    sandbox: Sandbox, bot: EchoBot, method: str, path: str, host: str
) -> None:
    answer = httpx.request(
        method,
        sandbox.url + path,
        json={"user": ANA},
        headers={"Host": host.format(port=sandbox.server.port), "Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert answer.status_code == 421
    assert "answers only at" in answer.text and f"127.0.0.1:{sandbox.server.port}" in answer.text
    assert bot.received == []


def test_the_bots_web_api_calls_still_work_and_a_browser_cannot_make_them(
    sandbox: Sandbox, state: SandboxState, client: WebClient
) -> None:
    client.chat_postMessage(channel=HANDOFF, text="from the bot")
    forged = httpx.post(
        sandbox.url + "/api/chat.postMessage",
        data={"token": TOKEN, "channel": HANDOFF, "text": "from a web page"},
        headers={"Origin": EVIL},
    )
    assert forged.status_code == 403
    assert [m.text for m in state.messages(HANDOFF)] == ["from the bot"]
