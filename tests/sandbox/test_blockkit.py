"""Block Kit limits: the pure checker, and Slack's invalid_blocks answer over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.blockkit import check_message, check_view
from tests.sandbox.workspace import HANDOFF


def section(text: str = "hi") -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Accept", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, **extra}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def modal(**extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Reject lead"}, **extra}


def test_a_reasonable_message_passes() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Ada Lovelace"}},
        section("*Acme*"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}] * 10},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 10},
        actions(button(action_id="a", value="1", style="primary"), button(action_id="b")),
        {"type": "divider"},
    ]
    assert check_message("fallback", blocks * 8 + [section()] * 2) == []


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([section()] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        (
            [section("x" * 3001)],
            "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [actions(button("x" * 76))],
            "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
        ),
        ([actions(button(value="v" * 2001))], "/blocks/0/elements/0/value"),
        ([actions(button(url="u" * 3001))], "/blocks/0/elements/0/url"),
        ([actions(button(action_id="a" * 256))], "/blocks/0/elements/0/action_id"),
        ([actions(button(action_id="a"), button(action_id="a"))], "duplicate action_id"),
        ([actions(*[button()] * 26)], "no more than 25 items allowed"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "151"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "plain_text"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "fields"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "/elements"),
        ([{**section(), "block_id": "b"}, {**section(), "block_id": "b"}], "duplicate block_id"),
        ([{**section(), "block_id": "b" * 256}], "/blocks/0/block_id"),
        ([{"type": "carousel"}], "unsupported block type: carousel"),
        ([actions({"type": "laser"})], "unsupported element type here: laser"),
        ([section("")], "must be at least 1 characters"),
        ([actions()], "at least 1 items required [json-pointer:/blocks/0/elements]"),
        ([{"type": "context", "elements": []}], "at least 1 items required"),
        (
            [
                {
                    **section(),
                    "accessory": {
                        "type": "static_select",
                        "placeholder": {"type": "mrkdwn", "text": "Pick"},
                        "options": [option("o", "v")],
                    },
                }
            ],
            "must be one of plain_text [json-pointer:/blocks/0/accessory/placeholder/type]",
        ),
    ],
)
def test_message_limits(blocks: list[dict[str, Any]], expected: str) -> None:
    problems = check_message("fallback", blocks)
    assert any(expected in p for p in problems), problems


def test_message_text_limit() -> None:
    assert check_message("x" * 40_000, None) == []
    assert check_message("x" * 40_001, None) == [
        "must be less than 40001 characters [json-pointer:/text]"
    ]


def select(options: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "reason", "options": options}


def input_block(
    element: dict[str, Any], label: str = "Reason", block_id: str = "reason_block"
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def test_a_reasonable_modal_passes() -> None:
    view = modal(
        submit={"type": "plain_text", "text": "Reject"},
        close={"type": "plain_text", "text": "Cancel"},
        callback_id="reason_modal",
        private_metadata='{"handoff_id": 1}',
        blocks=[
            input_block(select([option(f"Reason {i}", f"R-{i}") for i in range(100)])),
            input_block(
                {"type": "plain_text_input", "action_id": "note", "max_length": 3000},
                label="Note",
                block_id="note_block",
            ),
        ],
    )
    assert check_view(view) == []


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (modal(title={"type": "plain_text", "text": "t" * 25}), "/view/title/text"),
        (modal(submit={"type": "plain_text", "text": "s" * 25}), "/view/submit/text"),
        (modal(private_metadata="m" * 3001), "/view/private_metadata"),
        (modal(callback_id="c" * 256), "/view/callback_id"),
        (
            modal(blocks=[section()] * 101),
            "no more than 100 items allowed [json-pointer:/view/blocks]",
        ),
        (modal(blocks=[input_block({"type": "plain_text_input"})]), "/view/submit"),
        (
            modal(
                submit={"type": "plain_text", "text": "Go"},
                blocks=[input_block(select([option("o", "v")] * 101))],
            ),
            "/view/blocks/0/element/options",
        ),
        (
            modal(
                submit={"type": "plain_text", "text": "Go"},
                blocks=[input_block(select([option("o" * 76, "v" * 151)]))],
            ),
            "/view/blocks/0/element/options/0/value",
        ),
        (
            modal(
                submit={"type": "plain_text", "text": "Go"},
                blocks=[input_block(select([{"text": {"type": "plain_text", "text": "o"}}]))],
            ),
            "must be at least 1 characters [json-pointer:/view/blocks/0/element/options/0/value]",
        ),
        (
            modal(
                submit={"type": "plain_text", "text": "Go"},
                blocks=[input_block({"type": "plain_text_input", "max_length": 3001})],
            ),
            "/view/blocks/0/element/max_length",
        ),
        (
            modal(
                submit={"type": "plain_text", "text": "Go"},
                blocks=[input_block({"type": "plain_text_input"}, label="l" * 2001)],
            ),
            "/view/blocks/0/label/text",
        ),
        ({"type": "home", "blocks": [section()] * 100}, None),
        ({"type": "workflow_step"}, "unsupported view type"),
    ],
)
def test_view_limits(view: dict[str, Any], expected: str | None) -> None:
    problems = check_view(view)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_invalid_blocks_over_http(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as too_many:
        client.chat_postMessage(channel=HANDOFF, text="x", blocks=[section()] * 51)
    with pytest.raises(SlackApiError) as long_button:
        client.chat_postMessage(channel=HANDOFF, text="x", blocks=[actions(button("b" * 76))])

    assert too_many.value.response["error"] == "invalid_blocks"
    assert too_many.value.response["errors"] == [
        "no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert long_button.value.response["error"] == "invalid_blocks"
    assert "must be less than 76 characters" in long_button.value.response["errors"][0]
    assert client.conversations_history(channel=HANDOFF)["messages"] == []
    client.chat_postMessage(channel=HANDOFF, text="x", blocks=[section()] * 50)
