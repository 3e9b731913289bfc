"""The response_url endpoint, driven by slack_sdk's WebhookClient (what Bolt's respond uses)."""

from __future__ import annotations

import httpx
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from sandbox import Sandbox, SandboxState
from tests.sandbox.workspace import ANA, BO, HANDOFF


def test_ephemeral_by_default_for_the_user_it_was_issued_for(
    client: WebClient, state: SandboxState
) -> None:
    card = client.chat_postMessage(channel=ANA, text="card")
    url = state.issue_response_url(BO, card["channel"], card["ts"])

    answer = WebhookClient(url).send(text="Only the owner can decide")

    assert answer.status_code == 200
    [ephemeral] = state.ephemerals()
    assert (ephemeral.user, ephemeral.channel, ephemeral.via) == (
        BO,
        card["channel"],
        "response_url",
    )
    assert ephemeral.text == "Only the owner can decide"
    assert [m.text for m in state.messages(ANA)] == ["card"]  # the card is untouched
    assert state.count_calls("response_url", ok=True) == 1


def test_in_channel_replace_and_delete(client: WebClient, state: SandboxState) -> None:
    card = client.chat_postMessage(channel=HANDOFF, text="pending")
    url = state.issue_response_url(ANA, HANDOFF, card["ts"])
    hook = WebhookClient(url)

    hook.send(text="accepted", replace_original=True)
    hook.send(text="for everyone", response_type="in_channel")
    assert [(m.ts == card["ts"], m.text) for m in state.messages(HANDOFF)] == [
        (True, "accepted"),
        (False, "for everyone"),
    ]
    hook.send(text="", delete_original=True)
    assert [m.text for m in state.messages(HANDOFF)] == ["for everyone"]
    assert state.ephemerals() == []


def test_unknown_response_url_and_bad_blocks(sandbox: Sandbox, state: SandboxState) -> None:
    missing = httpx.post(sandbox.url + "/_sandbox/respond/nope", json={"text": "x"})
    url = state.issue_response_url(ANA, HANDOFF)
    bad = httpx.post(url, json={"blocks": [{"type": "section"}]})

    assert missing.status_code == 404
    assert bad.json()["error"] == "invalid_blocks"
    assert state.ephemerals() == []
