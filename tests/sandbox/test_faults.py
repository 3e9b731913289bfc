"""Slack misbehaving on purpose, as slack_sdk's WebClient experiences it."""

from __future__ import annotations

import time

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import Sandbox, SandboxState
from tests.sandbox.conftest import Clock
from tests.sandbox.workspace import ANA, HANDOFF, TOKEN


def test_429_carries_retry_after(client: WebClient, state: SandboxState) -> None:
    state.add_fault("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=HANDOFF, text="x")
    client.chat_postMessage(channel=HANDOFF, text="second try")

    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"
    assert [m.text for m in state.messages(HANDOFF)] == ["second try"]
    assert state.count_calls("chat.postMessage", channel=HANDOFF) == 2
    assert state.count_calls("chat.postMessage", ok=True, channel=HANDOFF) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(client: WebClient, state: SandboxState, status: int) -> None:
    state.add_fault("chat.update", status=status, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.chat_update(channel=HANDOFF, ts="1.000001", text="x")
        assert caught.value.response.status_code == status
    with pytest.raises(SlackApiError) as real:
        client.chat_update(channel=HANDOFF, ts="1.000001", text="x")
    assert real.value.response["error"] == "message_not_found"


def test_error_fault_answers_200_with_the_error(client: WebClient, state: SandboxState) -> None:
    state.add_fault("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=ANA, text="x")
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "channel_not_found"
    assert state.messages(ANA) == []


def test_slow_answer_after_doing_the_work(sandbox: Sandbox, state: SandboxState) -> None:
    """Slack stored the message, but our client timed out: the message must be findable."""
    state.add_fault("chat.postMessage", delay=0.5, apply_after=True)
    impatient = WebClient(token=TOKEN, base_url=sandbox.api_url, timeout=0.15)

    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(
            channel=ANA,
            text="card",
            metadata={"event_type": "handshake_card", "event_payload": {"handoff_id": 1}},
        )

    client = WebClient(token=TOKEN, base_url=sandbox.api_url)
    found = client.conversations_history(channel=ANA, include_all_metadata=True)["messages"]
    assert [m["metadata"]["event_payload"] for m in found] == [{"handoff_id": 1}]


def test_slow_answer_before_doing_the_work(sandbox: Sandbox, state: SandboxState) -> None:
    state.add_fault("chat.postMessage", delay=0.3)
    client = WebClient(token=TOKEN, base_url=sandbox.api_url)
    started = time.monotonic()
    client.chat_postMessage(channel=HANDOFF, text="late")
    assert time.monotonic() - started >= 0.3
    assert len(state.messages(HANDOFF)) == 1


def test_rate_limit_per_channel(client: WebClient, state: SandboxState, clock: Clock) -> None:
    state.rate_limit(True, per_second=1.0, burst=2)
    client.chat_postMessage(channel=HANDOFF, text="1")
    client.chat_postMessage(channel=HANDOFF, text="2")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=HANDOFF, text="3")
    client.chat_postMessage(channel=ANA, text="other channel")  # its own bucket
    clock.advance(1.0)
    client.chat_postMessage(channel=HANDOFF, text="3 again")

    assert caught.value.response.status_code == 429
    assert int(caught.value.response.headers["Retry-After"]) >= 1
    assert [m.text for m in state.messages(HANDOFF)] == ["1", "2", "3 again"]


def test_faults_over_http_control_endpoint(sandbox: Sandbox, client: WebClient) -> None:
    added = httpx.post(sandbox.url + "/_sandbox/faults", json={"method": "*", "status": 503})
    assert added.json() == {"ok": True}
    with pytest.raises(SlackApiError):
        client.auth_test()
    client.auth_test()

    httpx.post(sandbox.url + "/_sandbox/faults", json={"method": "auth.test", "error": "x"})
    httpx.post(sandbox.url + "/_sandbox/faults", json={"clear": True})
    assert client.auth_test()["user_id"] == "U0BOT"
    bad = httpx.post(sandbox.url + "/_sandbox/faults", json={"method": "auth.test"})
    assert bad.status_code == 400


def test_state_endpoint_dumps_the_workspace(sandbox: Sandbox, client: WebClient) -> None:
    client.chat_postMessage(channel=ANA, text="hello")
    dump = httpx.get(sandbox.url + "/_sandbox/state").json()
    [dm] = [c for c in dump["channels"] if c["is_im"]]
    assert dm["user"] == ANA and [m["text"] for m in dm["messages"]] == ["hello"]
    assert dump["calls"][-1]["method"] == "chat.postMessage"


def test_latency_over_http_control_endpoint(sandbox: Sandbox, client: WebClient) -> None:
    """Slack's own latency, played on every Web API call; bad values are refused."""
    url = sandbox.url + "/_sandbox/faults"
    assert httpx.post(url, json={"latency": 0.6}).json() == {"ok": True}
    assert sandbox.state.latency == 0.6
    client_in_a_hurry = WebClient(token=TOKEN, base_url=sandbox.api_url, timeout=0.3)
    with pytest.raises(OSError):  # the answer comes later than the client waits
        client_in_a_hurry.auth_test()
    refused = httpx.post(url, json={"latency": -1})
    assert refused.status_code == 400 and "latency" in refused.json()["error"]
    assert httpx.post(url, json={"latency": 0}).json() == {"ok": True}
    assert client.auth_test()["ok"]
    sandbox.state.reset()
    assert sandbox.state.latency == 0.0
