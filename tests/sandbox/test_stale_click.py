"""A click on buttons the bot has just taken away still reaches the bot, as on Slack.

The page shows a card with Accept; the person clicks twice fast. The first click makes the
bot update the card (buttons gone); the second was made on the card as it was rendered, so
Slack's client sends it anyway and the bot answers ("already accepted") through the
response_url. The sandbox does the same instead of answering 404 action_not_found.
"""

from __future__ import annotations

import httpx
from slack_sdk import WebClient
from starlette.responses import Response

from sandbox import Sandbox, SandboxState
from tests.sandbox.echo_bot import EchoBot, Received
from tests.sandbox.workspace import ANA

ACCEPT = {
    "type": "button",
    "action_id": "accept",
    "text": {"type": "plain_text", "text": "Accept"},
    "value": "7",
}
CARD = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Dana*"}},
    {"type": "actions", "block_id": "decide", "elements": [ACCEPT]},
]
DECIDED = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Dana*: accepted by Ana"}}]


def ui(sandbox: Sandbox, route: str, **body: object) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/_sandbox/ui/{route}", json=body, timeout=10)


def answer_already_accepted(got: Received) -> Response:
    httpx.post(
        got.payload["response_url"],
        json={"text": "Dana was already accepted by Ana.", "replace_original": False},
    )
    return Response(status_code=200)


def test_a_second_click_on_a_card_the_bot_just_updated_reaches_the_bot(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    ts = str(client.chat_postMessage(channel=ANA, text="card", blocks=CARD)["ts"])
    channel = state.dm_channel_id(ANA)
    client.chat_update(channel=channel, ts=ts, text="accepted", blocks=DECIDED)
    bot.hook = answer_already_accepted

    late = ui(sandbox, "action", user=ANA, channel=channel, ts=ts, action_id="accept")

    assert late.status_code == 200, late.text
    [action] = bot.last["actions"]
    assert (action["action_id"], action["block_id"], action["value"]) == ("accept", "decide", "7")
    assert bot.last["message"]["blocks"] == DECIDED  # the message as it is now
    assert [e.text for e in state.ephemerals(user=ANA)] == ["Dana was already accepted by Ana."]
    assert state.messages(channel)[-1].blocks == DECIDED  # the answer replaced nothing


def test_a_click_on_a_button_the_message_never_had_is_still_refused(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    ts = str(client.chat_postMessage(channel=ANA, text="card", blocks=CARD)["ts"])
    channel = state.dm_channel_id(ANA)
    client.chat_update(channel=channel, ts=ts, text="accepted", blocks=DECIDED)

    made_up = ui(sandbox, "action", user=ANA, channel=channel, ts=ts, action_id="reject")

    assert (made_up.status_code, made_up.json()["error"]) == (404, "action_not_found")
    assert bot.received == []


def test_a_late_click_on_an_ephemeral_replaced_through_its_response_url(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    channel = state.dm_channel_id(ANA)
    ts = str(
        client.chat_postEphemeral(channel=channel, user=ANA, text="x", blocks=CARD)["message_ts"]
    )

    def replace(got: Received) -> Response:
        httpx.post(
            got.payload["response_url"],
            json={"replace_original": True, "blocks": DECIDED, "text": "done"},
        )
        return Response(status_code=200)

    bot.hook = replace
    assert (
        ui(sandbox, "action", user=ANA, channel=channel, ts=ts, action_id="accept").status_code
        == 200
    )
    bot.hook = answer_already_accepted
    late = ui(sandbox, "action", user=ANA, channel=channel, ts=ts, action_id="accept")

    assert late.status_code == 200, late.text
    assert len(bot.received) == 2
    assert "Dana was already accepted by Ana." in [e.text for e in state.ephemerals(user=ANA)]


def test_a_late_click_in_app_home_the_bot_just_republished(
    sandbox: Sandbox, bot: EchoBot, client: WebClient
) -> None:
    home = client.views_publish(user_id=ANA, view={"type": "home", "blocks": CARD})["view"]
    client.views_publish(user_id=ANA, view={"type": "home", "blocks": DECIDED})

    late = ui(sandbox, "action", user=ANA, view_id=home["id"], action_id="accept")

    assert late.status_code == 200, late.text
    assert bot.last["actions"][0]["value"] == "7"
    assert bot.last["view"]["blocks"] == DECIDED


def test_a_late_click_in_a_modal_the_bot_just_updated(
    sandbox: Sandbox, bot: EchoBot, client: WebClient, state: SandboxState
) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Lead"}, "blocks": CARD}
    view = client.views_open(trigger_id=state.issue_trigger_id(ANA), view=modal)["view"]
    client.views_update(view_id=view["id"], view={**modal, "blocks": DECIDED})

    late = ui(sandbox, "action", user=ANA, view_id=view["id"], action_id="accept")

    assert late.status_code == 200, late.text
    assert bot.last["actions"][0]["action_id"] == "accept"
