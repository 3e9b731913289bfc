"""What people do on the page reaches the bot as signed Slack requests.

The "bot" here is a Starlette echo app: it records each request and answers with a hook,
which may call the sandbox's Web API back while the page's request is still open.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from starlette.responses import JSONResponse, Response

from sandbox import Sandbox, SandboxState
from sandbox.person_view import person_view
from tests.sandbox.echo_bot import EchoBot, Received
from tests.sandbox.workspace import ANA, BO, HANDOFF, SECRET

OPTIONS = [
    {"text": {"type": "plain_text", "text": "Bad data"}, "value": "R-DATA"},
    {"text": {"type": "plain_text", "text": "Not a fit"}, "value": "R-FIT"},
]
CARD = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Dana*"}},
    {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {
                "type": "button",
                "action_id": "accept",
                "text": {"type": "plain_text", "text": "Accept"},
                "style": "primary",
                "value": "7",
            },
            {"type": "static_select", "action_id": "snooze", "options": OPTIONS},
            {"type": "datepicker", "action_id": "when"},
        ],
    },
]
REASON_MODAL = {
    "type": "modal",
    "callback_id": "reason",
    "title": {"type": "plain_text", "text": "Reject lead"},
    "submit": {"type": "plain_text", "text": "Reject"},
    "blocks": [
        {
            "type": "input",
            "block_id": "reason_block",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {"type": "static_select", "action_id": "reason_input", "options": OPTIONS},
        },
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [
                {"type": "radio_buttons", "action_id": "kind", "options": OPTIONS},
            ],
        },
    ],
}


def ui(sandbox: Sandbox, route: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/_sandbox/ui/{route}", json=body, timeout=10)


def post_card(client: WebClient, channel: str = ANA) -> str:
    return str(client.chat_postMessage(channel=channel, text="card", blocks=CARD)["ts"])


def test_click_sends_signed_block_actions_whose_trigger_opens_a_modal(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    ts = post_card(client)

    def open_modal(got: Received) -> Response:  # calls the sandbox back mid-request
        client.views_open(trigger_id=got.payload["trigger_id"], view=REASON_MODAL)
        return Response(status_code=200)

    bot.hook = open_modal
    answer = ui(sandbox, "action", user=ANA, channel=ANA, ts=ts, action_id="accept", value="x")

    assert answer.json() == {"ok": True, "status": 200}
    [got] = bot.received
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(got.body, got.headers)
    payload = got.payload
    assert payload["type"] == "block_actions" and payload["user"]["id"] == ANA
    assert payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": state.dm_channel_id(ANA),
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == ts and payload["response_url"].startswith(sandbox.url)
    [action] = payload["actions"]
    assert (action["type"], action["action_id"], action["block_id"]) == (
        "button",
        "accept",
        "decide",
    )
    assert action["value"] == "7"  # the button's own value, not what the page said
    assert action["text"]["text"] == "Accept" and "action_ts" in action
    assert [m.payload["title"]["text"] for m in state.open_modals(ANA)] == ["Reject lead"]


def test_select_and_datepicker_carry_their_choice(
    sandbox: Sandbox, bot: EchoBot, client: WebClient
) -> None:
    ts = post_card(client)

    ui(
        sandbox,
        "action",
        user=ANA,
        channel=ANA,
        ts=ts,
        action_id="snooze",
        block_id="decide",
        selected_option={"value": "R-FIT"},
    )
    selected = bot.last["actions"][0]
    ui(
        sandbox,
        "action",
        user=ANA,
        channel=ANA,
        ts=ts,
        action_id="when",
        selected_date="2026-12-01",
    )
    dated = bot.last["actions"][0]
    refused = ui(
        sandbox,
        "action",
        user=ANA,
        channel=ANA,
        ts=ts,
        action_id="snooze",
        selected_option={"value": "R-MADE-UP"},
    )

    assert selected["type"] == "static_select" and selected["selected_option"] == OPTIONS[1]
    assert (dated["type"], dated["selected_date"]) == ("datepicker", "2026-12-01")
    assert (refused.status_code, refused.json()["error"]) == (404, "option_not_found")


def test_no_one_clicks_in_another_persons_dm(
    sandbox: Sandbox, bot: EchoBot, client: WebClient
) -> None:
    ts = post_card(client, ANA)
    sandbox.state.allow_peek = False  # as in Slack; the page's peek turns this on

    intruder = ui(sandbox, "action", user=BO, channel=ANA, ts=ts, action_id="accept")
    unknown = ui(sandbox, "action", user=ANA, channel=ANA, ts=ts, action_id="nope")
    nobody = ui(sandbox, "action", user="U0NOBODY", channel=ANA, ts=ts, action_id="accept")

    assert intruder.status_code == 404 and unknown.json()["error"] == "action_not_found"
    assert nobody.status_code == 400
    assert bot.received == []


def test_peeking_lets_a_click_in_another_persons_dm_reach_the_bot(
    sandbox: Sandbox, bot: EchoBot, client: WebClient
) -> None:
    ts = post_card(client, ANA)
    answer = ui(sandbox, "action", user=BO, channel=ANA, ts=ts, action_id="accept")
    assert answer.status_code == 200
    assert bot.received and bot.received[0].payload["user"]["id"] == BO


def test_clicks_on_an_ephemeral_answer_through_its_response_url(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    client.chat_postEphemeral(channel=HANDOFF, user=ANA, text="stale list", blocks=CARD)
    [ephemeral] = state.ephemerals(user=ANA)

    def replace(got: Received) -> Response:
        httpx.post(got.payload["response_url"], json={"replace_original": True, "text": "done"})
        return Response(status_code=200)

    bot.hook = replace
    ui(sandbox, "action", user=ANA, channel=HANDOFF, ts=ephemeral.ts, action_id="accept")

    assert bot.last["container"]["is_ephemeral"] is True and "message" not in bot.last
    assert [(e.ts, e.text) for e in state.ephemerals(user=ANA)] == [(ephemeral.ts, "done")]


def open_reason_modal(client: WebClient, state: SandboxState, **extra: Any) -> str:
    view = client.views_open(trigger_id=state.issue_trigger_id(ANA), view=REASON_MODAL | extra)
    return str(view["view"]["id"])


def reason_values(value: str) -> dict[str, Any]:
    option = next(o for o in OPTIONS if o["value"] == value)
    return {"reason_block": {"reason_input": {"type": "static_select", "selected_option": option}}}


def test_actions_in_a_modal_carry_the_view_and_no_response_url(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    view_id = open_reason_modal(client, state)

    ui(
        sandbox,
        "action",
        user=ANA,
        ts=view_id,
        action_id="kind",
        selected_option=OPTIONS[0],
        values=reason_values("R-FIT"),
    )

    payload = bot.last
    assert payload["container"] == {"type": "view", "view_id": view_id}
    assert payload["view"]["id"] == view_id
    assert payload["view"]["state"]["values"] == reason_values("R-FIT")
    assert "response_url" not in payload and "channel" not in payload
    assert payload["actions"][0]["type"] == "radio_buttons"
    assert ui(sandbox, "action", user=BO, view_id=view_id, action_id="kind").status_code == 404


def test_actions_in_app_home(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    home = client.views_publish(user_id=ANA, view={"type": "home", "blocks": CARD})["view"]

    ui(sandbox, "action", user=ANA, view_id=home["id"], action_id="accept")

    assert bot.last["container"] == {"type": "view", "view_id": home["id"]}
    assert bot.last["view"]["type"] == "home" and "response_url" not in bot.last


def test_submit_with_errors_keeps_the_modal_open(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    view_id = open_reason_modal(client, state)

    def validate(got: Received) -> Response:
        values = got.payload["view"]["state"]["values"]
        if values["reason_block"]["reason_input"]["selected_option"]["value"] == "R-FIT":
            return JSONResponse(
                {"response_action": "errors", "errors": {"reason_block": "Pick another."}}
            )
        return Response(status_code=200)

    bot.hook = validate
    refused = ui(sandbox, "submit", user=ANA, view_id=view_id, values=reason_values("R-FIT"))

    assert refused.json() == {
        "ok": True,
        "status": 200,
        "response_action": "errors",
        "errors": {"reason_block": "Pick another."},
    }
    assert bot.last["type"] == "view_submission"
    assert SignatureVerifier(SECRET).is_valid_request(
        bot.received[-1].body, bot.received[-1].headers
    )
    [modal] = state.open_modals(ANA)
    assert modal.errors == {"reason_block": "Pick another."}
    assert modal.state_values == reason_values("R-FIT")
    seen = httpx.get(sandbox.url + "/_sandbox/state", params={"as": ANA}).json()["modal"]
    assert seen["errors"] == {"reason_block": "Pick another."}
    assert seen["state"]["values"] == reason_values("R-FIT")

    accepted = ui(sandbox, "submit", user=ANA, view_id=view_id, values=reason_values("R-DATA"))

    assert accepted.json()["ok"] is True and state.open_modals(ANA) == []


def test_close_tells_the_bot_only_when_asked(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    quiet = open_reason_modal(client, state)
    assert ui(sandbox, "close", user=ANA, view_id=quiet).json() == {"ok": True, "status": None}
    assert bot.received == [] and state.open_modals(ANA) == []

    noisy = open_reason_modal(client, state, notify_on_close=True)
    ui(sandbox, "close", user=ANA, view_id=noisy)

    assert bot.last["type"] == "view_closed" and bot.last["view"]["id"] == noisy
    assert state.open_modals(ANA) == []


def test_command_is_a_signed_slash_command_in_the_current_channel(
    sandbox: Sandbox, bot: EchoBot, state: SandboxState
) -> None:
    bot.hook = lambda got: JSONResponse({"text": "Here is *help*"})  # an ack with text

    answer = ui(sandbox, "command", user=ANA, text="/handshake  summary 30d", channel=HANDOFF)

    assert answer.json()["ok"] is True
    [got] = bot.received
    assert SignatureVerifier(SECRET).is_valid_request(got.body, got.headers)
    form = got.payload
    assert (form["command"], form["text"], form["user_id"]) == ("/handshake", "summary 30d", ANA)
    assert (form["channel_id"], form["channel_name"]) == (HANDOFF, "handoffs")
    assert form["trigger_id"] and form["response_url"].startswith(sandbox.url)
    [shown] = state.ephemerals(user=ANA)
    assert (shown.channel, shown.text) == (HANDOFF, "Here is *help*")

    ui(sandbox, "command", user=BO, text="help", channel=person_view(state, BO)["dm"]["id"])
    assert bot.last["channel_id"] == state.dm_channel_id(BO)
    assert bot.last["channel_name"] == "directmessage"
    assert ui(sandbox, "command", user=ANA, text="/giphy cat").status_code == 400


def test_opening_home_sends_app_home_opened(
    sandbox: Sandbox, bot: EchoBot, state: SandboxState
) -> None:
    answer = ui(sandbox, "home", user=ANA)

    assert answer.json()["ok"] is True
    payload = bot.last
    assert payload["type"] == "event_callback"
    event = payload["event"]
    assert (event["type"], event["user"], event["tab"]) == ("app_home_opened", ANA, "home")
    assert event["channel"] == state.dm_channel_id(ANA)


def test_failures_are_reported_to_the_page(
    sandbox: Sandbox,
    bot: EchoBot,
    state: SandboxState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot.hook = lambda got: Response(status_code=500)
    broken = ui(sandbox, "home", user=ANA)
    assert (broken.status_code, broken.json()["error"], broken.json()["status"]) == (
        502,
        "bot_error",
        500,
    )

    monkeypatch.setattr(state, "bot_events_url", "http://127.0.0.1:9/slack/events")
    assert ui(sandbox, "home", user=ANA).json()["error"] == "bot_unreachable"

    monkeypatch.setattr(state, "bot_events_url", None)
    assert ui(sandbox, "home", user=ANA).status_code == 409
    as_json = {"Content-Type": "application/json"}
    not_an_object = httpx.post(sandbox.url + "/_sandbox/ui/home", content=b"[]", headers=as_json)
    assert not_an_object.status_code == 400
    assert httpx.post(sandbox.url + "/_sandbox/ui/home", content=b"[]").status_code == 415
