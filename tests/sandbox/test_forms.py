"""The elements of a booking form, as Slack sends them: a modal's `view.state.values`
(`sandbox.forms`) and a datetimepicker's block_actions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient

from sandbox import Sandbox
from sandbox.forms import state_values
from sandbox.interactions import InteractionError
from tests.sandbox.echo_bot import EchoBot
from tests.sandbox.workspace import ANA


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def field(block_id: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    label = {"type": "plain_text", "text": block_id}
    return {"type": "input", "block_id": block_id, "label": label, "element": element, **extra}


AES = [option("Ana Alvarez", "U0AE00001"), option("Ben Brooks", "U0AE00002")]
ANSWERS = [option("Yes", "yes"), option("Unsure", "unsure"), option("No", "no")]
BOOKING = {
    "type": "modal",
    "callback_id": "book",
    "title": {"type": "plain_text", "text": "Book the meeting"},
    "submit": {"type": "plain_text", "text": "Book"},
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Jordan Lee*"}},
        field("at", {"type": "datetimepicker", "action_id": "at_input"}),
        field(
            "ae",
            {
                "type": "static_select",
                "action_id": "ae_input",
                "options": AES,
                "initial_option": AES[1],
            },
        ),
        field("answer_VALUE", {"type": "radio_buttons", "action_id": "a", "options": ANSWERS}),
        field(
            "comment_VALUE",
            {"type": "plain_text_input", "action_id": "c", "max_length": 500},
            optional=True,
        ),
        field(
            "note", {"type": "plain_text_input", "action_id": "n", "multiline": True}, optional=True
        ),
    ],
}
MEETING = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


def test_a_filled_booking_form_has_slacks_shapes():
    values = state_values(
        BOOKING,
        {"at": MEETING, "answer_VALUE": "unsure", "note": "Budget owner joins"},
    )

    assert values == {
        "at": {"at_input": {"type": "datetimepicker", "selected_date_time": 1795534200}},
        "ae": {"ae_input": {"type": "static_select", "selected_option": AES[1]}},  # kept
        "answer_VALUE": {"a": {"type": "radio_buttons", "selected_option": ANSWERS[1]}},
        "comment_VALUE": {"c": {"type": "plain_text_input", "value": None}},
        "note": {"n": {"type": "plain_text_input", "value": "Budget owner joins"}},
    }
    assert int(MEETING.timestamp()) == 1795534200


def test_an_untouched_form_is_empty_but_for_its_initial_values():
    values = state_values(BOOKING)
    assert values["at"]["at_input"] == {"type": "datetimepicker", "selected_date_time": None}
    assert values["answer_VALUE"]["a"]["selected_option"] is None
    assert values["ae"]["ae_input"]["selected_option"] == AES[1]


@pytest.mark.parametrize(
    "answers",
    [
        {"ae": "U0NOBODY"},  # not an option of the select
        {"answer_VALUE": "maybe"},
        {"nowhere": "x"},  # no such input block
        {"at": "2026-11-24T15:30"},  # a datetimepicker takes epoch seconds
        {"at": datetime(2026, 11, 24, 15, 30)},  # naive: which zone?
    ],
)
def test_what_the_element_does_not_offer_is_refused(answers: dict[str, Any]):
    with pytest.raises(InteractionError):
        state_values(BOOKING, answers)


CARD = [
    {
        "type": "actions",
        "block_id": "when",
        "elements": [
            {"type": "datetimepicker", "action_id": "meet_at", "initial_date_time": 1795530000}
        ],
    }
]


def test_a_datetimepicker_on_a_message_sends_selected_date_time(
    sandbox: Sandbox, bot: EchoBot, client: WebClient
) -> None:
    ts = client.chat_postMessage(channel=ANA, text="card", blocks=CARD)["ts"]

    def act(value: Any) -> httpx.Response:
        body = {"user": ANA, "channel": ANA, "ts": ts, "action_id": "meet_at"}
        body["selected_date_time"] = value
        return httpx.post(f"{sandbox.url}/_sandbox/ui/action", json=body, timeout=10)

    assert act(1795534200).status_code == 200
    [action] = bot.last["actions"]
    assert action["type"] == "datetimepicker" and action["block_id"] == "when"
    assert action["selected_date_time"] == 1795534200
    assert action["initial_date_time"] == 1795530000
    assert act("1795534200").status_code == 400  # epoch seconds are a number
    assert act(None).json()["error"] == "invalid_date_time"  # nothing picked
