"""Block Kit checked against Slack's published limits.

Each function returns a list of problems in Slack's own wording style
(`"must be less than 76 characters [json-pointer:/blocks/0/elements/0/text]"`);
an empty list means Slack would take it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.blockkit_elements import ElementChecker

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX = 40_000
_TEXT_BLOCKS = {"divider", "rich_text", "markdown", "video", "file"}  # not inspected further


def check_message(
    text: Any, blocks: Any, *, file_ok: Callable[[str], bool] | None = None
) -> list[str]:
    """A chat.postMessage / chat.update / response_url message. `file_ok(id)`: whether an
    image's `slack_file` id names an uploaded, completed file (None: not checked)."""
    checker = ElementChecker(file_ok)
    if text is not None:
        checker.max_len(text, MESSAGE_TEXT_MAX, "/text")
    if blocks is not None:
        _check_blocks(checker, blocks, "/blocks", MESSAGE_MAX_BLOCKS)
    return checker.problems


def check_view(view: Any) -> list[str]:
    """A view for views.open / views.update / views.push / views.publish."""
    checker = ElementChecker()
    if not isinstance(view, dict):
        checker.problem("/view", "must be an object")
        return checker.problems
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.problem("/view/type", f"unsupported view type: {kind}")
        return checker.problems
    if kind == "modal":
        if "title" not in view:
            checker.problem("/view/title", "missing required field: title")
        for key in ("title", "submit", "close"):
            if key in view:
                checker.text(view[key], f"/view/{key}", limit=24, plain_only=True)
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_input and "submit" not in view:
            checker.problem("/view/submit", "missing required field: submit")
    checker.max_len(view.get("private_metadata"), 3000, "/view/private_metadata")
    checker.max_len(view.get("callback_id"), 255, "/view/callback_id")
    checker.max_len(view.get("external_id"), 255, "/view/external_id")
    _check_blocks(checker, view.get("blocks", []), "/view/blocks", VIEW_MAX_BLOCKS)
    return checker.problems


def _check_blocks(checker: ElementChecker, blocks: Any, pointer: str, max_blocks: int) -> None:
    if not isinstance(blocks, list):
        checker.problem(pointer, "must be an array")
        return
    if len(blocks) > max_blocks:
        checker.problem(pointer, f"no more than {max_blocks} items allowed")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict):
            checker.problem(where, "must be an object")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            checker.max_len(block_id, 255, f"{where}/block_id")
            if block_id in block_ids:
                checker.problem(f"{where}/block_id", f"duplicate block_id: {block_id}")
            block_ids.add(block_id)
        _check_block(checker, block, where)


def _check_block(c: ElementChecker, block: dict[str, Any], where: str) -> None:
    kind = block.get("type")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            c.problem(where, "must provide either text or fields")
        if "text" in block:
            c.text(block["text"], f"{where}/text", limit=3000)
        fields = block.get("fields", [])
        c.max_items(fields, 10, f"{where}/fields")
        for i, field in enumerate(fields if isinstance(fields, list) else []):
            c.text(field, f"{where}/fields/{i}", limit=2000)
        if "accessory" in block:
            c.element(block["accessory"], f"{where}/accessory", c.SECTION_ACCESSORIES)
    elif kind == "header":
        c.text(block.get("text"), f"{where}/text", limit=150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements", [])
        c.max_items(elements, 10, f"{where}/elements", min_items=1)
        for i, element in enumerate(elements if isinstance(elements, list) else []):
            if isinstance(element, dict) and element.get("type") == "image":
                c.element(element, f"{where}/elements/{i}", {"image"})
            else:
                c.text(element, f"{where}/elements/{i}", limit=3000)
    elif kind == "actions":
        elements = block.get("elements", [])
        c.max_items(elements, 25, f"{where}/elements", min_items=1)
        c.elements(elements, f"{where}/elements", c.ACTION_ELEMENTS)
    elif kind == "input":
        c.text(block.get("label"), f"{where}/label", limit=2000, plain_only=True)
        if "hint" in block:
            c.text(block["hint"], f"{where}/hint", limit=2000, plain_only=True)
        c.element(block.get("element"), f"{where}/element", c.INPUT_ELEMENTS)
    elif kind == "image":
        c.element(block, where, {"image"})
        if "title" in block:
            c.text(block["title"], f"{where}/title", limit=2000, plain_only=True)
    elif kind not in _TEXT_BLOCKS:
        c.problem(f"{where}/type", f"unsupported block type: {kind}")
