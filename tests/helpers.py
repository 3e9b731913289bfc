"""Small helpers for reading what reached the stand-in Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sandbox import Sandbox
from sandbox.models import Message

T = TypeVar("T")


def wait_for(probe: Callable[[], T], timeout: float = 5.0, interval: float = 0.02) -> T:
    """Poll until probe() is truthy (Bolt runs listeners after it acks)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {probe}")
        time.sleep(interval)


def dm_messages(slack: Sandbox, user_id: str) -> list[Message]:
    return slack.state.messages(slack.state.dm_channel_id(user_id))


def cards_for(slack: Sandbox, channel: str, handoff_id: int) -> list[Message]:
    found = []
    for message in slack.state.messages(channel):
        payload = (message.metadata or {}).get("event_payload") or {}
        if payload.get("handoff_id") == handoff_id:
            found.append(message)
    return found


def buttons(message: Message) -> list[dict[str, Any]]:
    return [
        element
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


def button_texts(message: Message) -> list[str]:
    """The texts of the buttons that act (link buttons such as "Open in CRM" left out)."""
    return [b["text"]["text"] for b in buttons(message) if "url" not in b]


def rendered(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + message.text


def ephemeral_texts(slack: Sandbox, user_id: str) -> list[str]:
    return [e.text for e in slack.state.ephemerals(user=user_id)]


def click_card(bot: Any, user_id: str, action_id: str, handoff: Any, card: Message) -> Any:
    """`user_id` clicks a decision button on `card` (a message carrying `handoff`'s buttons)."""
    return bot.peer.click(
        user_id, action_id, str(handoff.id), message_channel=card.channel, message_ts=card.ts
    )


def reason_values(
    code: str, *, note: str | None = None, revisit: str | None = None
) -> dict[str, Any]:
    """The reason modal's `state.values` as Slack sends them."""
    from bot import ids

    values: dict[str, Any] = {
        ids.REASON_BLOCK: {
            ids.REASON_INPUT: {"type": "static_select", "selected_option": {"value": code}}
        }
    }
    if note is not None:
        values[ids.NOTE_BLOCK] = {ids.NOTE_INPUT: {"type": "plain_text_input", "value": note}}
    if revisit is not None:
        values[ids.REVISIT_BLOCK] = {
            ids.REVISIT_INPUT: {"type": "datepicker", "selected_date": revisit}
        }
    return values


def reassign_values(slack_id: str) -> dict[str, Any]:
    """The Reassign picker's `state.values` with `slack_id` chosen."""
    from bot import ids

    chosen = {"type": "static_select", "selected_option": {"value": slack_id}}
    return {ids.REASSIGN_BLOCK: {ids.REASSIGN_INPUT: chosen}}


def picker_choice(modal: Any) -> str | None:
    """The person the Reassign picker has pre-selected (the suggested one), or None."""
    from bot import ids

    block = next(b for b in modal.payload["blocks"] if b.get("block_id") == ids.REASSIGN_BLOCK)
    initial = block["element"].get("initial_option")
    return initial["value"] if initial else None


def open_picker(bot: Any, user_id: str, handoff: Any, card: Message) -> Any:
    """`user_id` clicks **Reassign** on `card`; the picker modal that opens."""
    from bot import ids

    before = {v.id for v in bot.slack.state.open_modals(user_id)}

    def opened() -> list[Any]:
        return [
            v
            for v in bot.slack.state.open_modals(user_id)
            if v.id not in before and v.payload.get("callback_id") == ids.REASSIGN_MODAL
        ]

    click_card(bot, user_id, ids.REASSIGN_NOW, handoff, card)
    return wait_for(opened)[-1]


def reassign_with_picker(
    bot: Any, user_id: str, handoff: Any, card: Message, to: str | None = None
) -> Any:
    """`user_id` clicks **Reassign** on `card` and submits the picker that opens, with
    `to` chosen (by default the suggested one); the bot's answer to the submission."""

    modal = open_picker(bot, user_id, handoff, card)
    chosen = to or picker_choice(modal)
    assert chosen is not None, "the picker pre-selected no one"
    return bot.peer.submit_view(user_id, modal.id, reassign_values(chosen))
