"""chat.* and conversations.* as a real slack_sdk WebClient sees them."""

from __future__ import annotations

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import Sandbox, SandboxState
from tests.sandbox.workspace import ANA, BO, HANDOFF, TOKEN

CARD = {"event_type": "handshake_card", "event_payload": {"handoff_id": 7}}


def test_post_to_a_user_id_lands_in_their_dm(client: WebClient, state: SandboxState) -> None:
    answer = client.chat_postMessage(channel=ANA, text="New lead")

    assert answer["channel"] == state.dm_channel_id(ANA)
    assert answer["channel"].startswith("D")
    assert client.conversations_open(users=ANA)["channel"]["id"] == answer["channel"]
    [message] = state.messages(ANA)
    assert (message.ts, message.text, message.user) == (answer["ts"], "New lead", "U0BOT")
    assert state.count_calls("chat.postMessage", ok=True, channel=ANA) == 1
    assert state.count_calls("chat.postMessage", ok=True, channel=answer["channel"]) == 1


def test_ts_values_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=HANDOFF, text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5


def test_unknown_channel_is_channel_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0NOPE", text="x")
    assert caught.value.response["error"] == "channel_not_found"


def test_history_shows_metadata_only_when_asked(client: WebClient) -> None:
    posted = client.chat_postMessage(channel=HANDOFF, text="card", metadata=CARD)

    plain = client.conversations_history(channel=HANDOFF)["messages"]
    full = client.conversations_history(channel=HANDOFF, include_all_metadata=True)["messages"]

    assert [m["ts"] for m in plain] == [posted["ts"]]
    assert "metadata" not in plain[0]
    assert full[0]["metadata"] == CARD
    assert full[0]["bot_id"] == "B0BOT"


def test_history_is_newest_first_and_pages_with_a_cursor(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=HANDOFF, text=str(i))["ts"] for i in range(5)]

    first = client.conversations_history(channel=HANDOFF, limit=2)
    assert [m["ts"] for m in first["messages"]] == stamps[::-1][:2]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=HANDOFF, limit=10, cursor=cursor)
    assert [m["ts"] for m in rest["messages"]] == stamps[::-1][2:]
    assert rest["has_more"] is False
    window = client.conversations_history(channel=HANDOFF, oldest=stamps[1], latest=stamps[3])
    assert [m["ts"] for m in window["messages"]] == [stamps[2]]


def test_thread_replies_stay_out_of_history(client: WebClient) -> None:
    parent = client.chat_postMessage(channel=HANDOFF, text="parent")["ts"]
    reply = client.chat_postMessage(channel=HANDOFF, text="reply", thread_ts=parent)["ts"]

    history = client.conversations_history(channel=HANDOFF)["messages"]
    thread = client.conversations_replies(channel=HANDOFF, ts=parent)["messages"]

    assert [m["ts"] for m in history] == [parent]
    assert history[0]["reply_count"] == 1
    assert [m["ts"] for m in thread] == [parent, reply]


def test_update_edits_in_place_and_keeps_blocks_left_out(
    client: WebClient, state: SandboxState
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Lead*"}}]
    posted = client.chat_postMessage(channel=ANA, text="pending", blocks=blocks)

    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="accepted")

    assert updated["ts"] == posted["ts"]
    [message] = state.messages(ANA)
    assert (message.ts, message.text, message.blocks) == (posted["ts"], "accepted", blocks)
    assert message.edited is not None
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="x", blocks=[])
    assert state.messages(ANA)[0].blocks == []


def test_update_of_a_missing_or_foreign_message_fails(
    client: WebClient, state: SandboxState
) -> None:
    human = state.add_user_message(HANDOFF, ANA, "hello")
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel=HANDOFF, ts="1.000001", text="x")
    with pytest.raises(SlackApiError) as foreign:
        client.chat_update(channel=HANDOFF, ts=human.ts, text="x")
    assert missing.value.response["error"] == "message_not_found"
    assert foreign.value.response["error"] == "cant_update_message"


def test_ephemeral_needs_the_user_in_the_channel(client: WebClient, state: SandboxState) -> None:
    ana_dm = state.dm_channel_id(ANA)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postEphemeral(channel=ana_dm, user=BO, text="not yours")
    client.chat_postEphemeral(channel=ana_dm, user=ANA, text="yours")
    client.chat_postEphemeral(channel=HANDOFF, user=BO, text="public")

    assert caught.value.response["error"] == "user_not_in_channel"
    assert [e.text for e in state.ephemerals(user=ANA)] == ["yours"]
    assert [(e.channel, e.text) for e in state.ephemerals(user=BO)] == [(HANDOFF, "public")]


def test_permalink_and_users_info(client: WebClient) -> None:
    posted = client.chat_postMessage(channel=HANDOFF, text="card")
    link = client.chat_getPermalink(channel=HANDOFF, message_ts=posted["ts"])["permalink"]
    bo = client.users_info(user=BO)["user"]

    assert link.endswith(f"/archives/{HANDOFF}/p{posted['ts'].replace('.', '')}")
    assert (bo["id"], bo["real_name"], bo["tz"], bo["is_bot"]) == (
        BO,
        "Bo Brown",
        "Europe/Berlin",
        False,
    )
    assert bo["tz_offset"] in (3600, 7200)
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="U0NOBODY")
    assert caught.value.response["error"] == "user_not_found"


def test_form_encoded_bodies_with_json_strings_are_decoded(
    client: WebClient, state: SandboxState
) -> None:
    blocks = [{"type": "divider"}]
    answer = client.api_call(
        "chat.postMessage",
        params={
            "channel": HANDOFF,
            "text": "form",
            "blocks": '[{"type": "divider"}]',
            "metadata": '{"event_type": "handshake_card", "event_payload": {"handoff_id": 7}}',
        },
    )
    [message] = state.messages(HANDOFF)
    assert answer["ok"] and message.blocks == blocks and message.metadata == CARD


def test_unknown_method_answers_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.teleport")
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "unknown_method"


def test_wrong_or_missing_token(sandbox: Sandbox, state: SandboxState) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=sandbox.api_url)
    with pytest.raises(SlackApiError) as caught:
        wrong.chat_postMessage(channel=HANDOFF, text="x")
    missing = httpx.post(sandbox.api_url + "auth.test").json()

    assert caught.value.response["error"] == "invalid_auth"
    assert missing == {"ok": False, "error": "not_authed"}
    assert state.messages(HANDOFF) == []
    assert all("token" not in call.params for call in state.calls())


def test_token_may_come_as_a_form_argument(sandbox: Sandbox) -> None:
    answer = httpx.post(sandbox.api_url + "auth.test", data={"token": TOKEN}).json()
    bad_blocks = httpx.post(
        sandbox.api_url + "chat.postMessage",
        data={"token": TOKEN, "channel": HANDOFF, "blocks": "[not json"},
    ).json()
    assert answer["ok"] is True and answer["user_id"] == "U0BOT"
    assert bad_blocks == {"ok": False, "error": "invalid_blocks_format"}
