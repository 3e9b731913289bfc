"""Block Kit constructors that enforce Slack's limits.

Callers pass text that is already safe (outside data through `text.safe`, our own
copy as is); these functions only trim, entity-aware, so every block they return
fits Slack's documented limits.
"""

from __future__ import annotations

from typing import Any

from bot.views.text import plain, trim

Block = dict[str, Any]

MAX_BLOCKS = 50  # a message
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
CONTEXT_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
MODAL_TITLE = 24  # also submit and close
INPUT_LABEL = 2000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100


def plain_text(text: object, limit: int) -> Block:
    """A plain_text object; Slack rejects an empty one, so it is never empty."""
    return {"type": "plain_text", "text": plain(text, limit).strip() or "—", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> Block:
    return {"type": "mrkdwn", "text": trim(text, limit) or " "}


def header(text: object) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_TEXT)}


def section(
    text: str | None = None, *, fields: list[str] | None = None, block_id: str | None = None
) -> Block:
    block: Block = {"type": "section"}
    if block_id:
        block["block_id"] = block_id
    if text:
        block["text"] = mrkdwn(text, SECTION_TEXT)
    if fields:
        block["fields"] = [mrkdwn(f, FIELD_TEXT) for f in fields[:MAX_FIELDS]]
    if "text" not in block and "fields" not in block:
        block["text"] = mrkdwn(" ")
    return block


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(t, CONTEXT_TEXT) for t in texts[:MAX_CONTEXT_ELEMENTS]],
    }


def divider() -> Block:
    return {"type": "divider"}


def actions(elements: list[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": elements[:MAX_ACTION_ELEMENTS]}
    if block_id:
        block["block_id"] = block_id
    return block


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    style: str | None = None,
    url: str | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain_text(text, BUTTON_TEXT),
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value[:BUTTON_VALUE]
    if style in ("primary", "danger"):
        element["style"] = style
    if url is not None:
        element["url"] = url[:URL]
    return element


def option(text: object, value: str) -> Block:
    return {"text": plain_text(text, OPTION_TEXT), "value": value[:OPTION_VALUE]}


def input_block(block_id: str, label: object, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label, INPUT_LABEL),
        "element": element,
        "optional": optional,
    }
