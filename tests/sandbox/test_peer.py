"""Signed requests to a real Bolt app served over HTTP, whose answers land in the sandbox."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_bolt.adapter.starlette.handler import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import RunningServer, Sandbox, SandboxState, SlackPeer, start_server
from sandbox.payloads import block_actions, event_callback, sign, slash_command
from tests.sandbox.workspace import ANA, BO, HANDOFF, SECRET, TOKEN

REASON_MODAL = {
    "type": "modal",
    "callback_id": "reason_modal",
    "title": {"type": "plain_text", "text": "Reject lead"},
    "submit": {"type": "plain_text", "text": "Reject"},
    "blocks": [
        {
            "type": "input",
            "block_id": "reason_block",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {
                "type": "static_select",
                "action_id": "reason_input",
                "options": [
                    {"text": {"type": "plain_text", "text": "Bad data"}, "value": "R-DATA"}
                ],
            },
        }
    ],
}


class Seen:
    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []


def build_bolt_app(api_url: str, seen: Seen) -> App:
    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.action("handoff_accept")
    def accept(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        seen.items.append(("accept", body["actions"][0]["value"]))
        respond(f"Accepted by <@{body['user']['id']}>")
        container = body["container"]
        client.chat_update(
            channel=container["channel_id"], ts=container["message_ts"], text="accepted"
        )

    @app.action("handoff_reject")
    def reject(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=REASON_MODAL)

    @app.view("reason_modal")
    def reason(ack: Ack, view: dict[str, Any]) -> None:
        selected = view["state"]["values"]["reason_block"]["reason_input"]["selected_option"]
        if selected["value"] == "R-NONE":
            ack(response_action="errors", errors={"reason_block": "Pick a reason"})
            return
        ack()
        seen.items.append(("reason", selected["value"]))

    @app.command("/handshake")
    def command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(f"help for {command['user_id']}: {command['text']}")

    @app.event("app_mention")
    def mention(event: dict[str, Any], request: BoltRequest) -> None:
        seen.items.append(("mention", request.headers.get("x-slack-retry-num", [None])[0]))

    return app


@pytest.fixture(scope="module")
def bolt(running_sandbox: Sandbox) -> Iterator[tuple[RunningServer, Seen]]:
    seen = Seen()
    handler = SlackRequestHandler(build_bolt_app(running_sandbox.api_url, seen))

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    server = start_server(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]))
    yield server, seen
    server.stop()


@pytest.fixture
def peer(sandbox: Sandbox, bolt: tuple[RunningServer, Seen]) -> SlackPeer:
    bolt[1].items.clear()
    return sandbox.peer(bolt[0].url + "/slack/events")


@pytest.fixture
def seen(bolt: tuple[RunningServer, Seen]) -> Seen:
    return bolt[1]


def test_signature_is_what_slack_sdk_verifies() -> None:
    body, _ = event_callback({"type": "app_mention", "text": "hi"}, "Ev1")
    now = int(time.time())
    headers = sign(SECRET, body, now)

    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    assert not SignatureVerifier("other").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    assert verifier.is_valid_request(body, headers)


def test_builders_make_slack_shaped_bodies() -> None:
    body, content_type = block_actions(
        ANA,
        "handoff_accept",
        "7",
        channel_id="D0AE00001",
        message_ts="1.000001",
        response_url="http://x/r",
        trigger_id="t",
    )
    payload = json.loads(parse_qs(body)["payload"][0])
    assert content_type == "application/x-www-form-urlencoded"
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == ANA and payload["container"]["message_ts"] == "1.000001"
    assert payload["actions"][0]["action_id"] == "handoff_accept"

    form, _ = slash_command(
        ANA, "summary 7d", response_url="http://x/r", trigger_id="t", channel_id="D0AE00001"
    )
    fields = {k: v[0] for k, v in parse_qs(form).items()}
    assert (fields["command"], fields["text"], fields["user_id"]) == (
        "/handshake",
        "summary 7d",
        ANA,
    )


def test_click_answers_through_the_response_url(
    peer: SlackPeer, client: WebClient, state: SandboxState, seen: Seen
) -> None:
    card = client.chat_postMessage(channel=ANA, text="card")

    response = peer.click(BO, "handoff_accept", "7", message_channel=ANA, message_ts=card["ts"])

    assert response.status_code == 200
    assert seen.items == [("accept", "7")]
    [ephemeral] = state.ephemerals()
    assert (ephemeral.user, ephemeral.channel) == (BO, card["channel"])
    assert ephemeral.text == f"Accepted by <@{BO}>"
    assert [m.text for m in state.messages(ANA)] == ["accepted"]


def test_unsigned_or_badly_signed_requests_are_refused(peer: SlackPeer) -> None:
    impostor = SlackPeer(peer.state, peer.bot_events_url, "wrong-secret")
    assert impostor.command(ANA, "help").status_code == 401


def test_click_opens_a_modal_and_submission_closes_it(
    peer: SlackPeer, client: WebClient, state: SandboxState, seen: Seen
) -> None:
    card = client.chat_postMessage(channel=ANA, text="card")
    peer.click(ANA, "handoff_reject", "7", message_channel=ANA, message_ts=card["ts"])
    [modal] = state.open_modals(ANA)

    def values(choice: str) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": choice}, "value": choice}
        return {
            "reason_block": {"reason_input": {"type": "static_select", "selected_option": option}}
        }

    refused = peer.submit_view(ANA, modal.id, values("R-NONE"))
    assert refused.json()["response_action"] == "errors"
    assert [v.id for v in state.open_modals(ANA)] == [modal.id]

    peer.submit_view(ANA, modal.id, values("R-DATA"))
    assert seen.items == [("reason", "R-DATA")]
    assert state.open_modals(ANA) == []


def test_slash_command_answers_ephemerally(peer: SlackPeer, state: SandboxState) -> None:
    assert peer.command(ANA, "help").status_code == 200
    [ephemeral] = state.ephemerals(user=ANA)
    assert ephemeral.text == f"help for {ANA}: help"
    assert ephemeral.channel == state.dm_channel_id(ANA)


def test_events_and_retries_carry_slack_headers(peer: SlackPeer, seen: Seen) -> None:
    event = {"type": "app_mention", "user": ANA, "text": "hi", "channel": HANDOFF, "ts": "1.1"}
    first = peer.event(event)
    peer.resend(first, retry_num=1)
    peer.event(event, event_id="Ev42", retry_num=2)
    assert seen.items == [("mention", None), ("mention", "1"), ("mention", "2")]
