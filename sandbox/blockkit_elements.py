"""Limits of Block Kit text objects and interactive elements (used by `blockkit`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SELECTS = {
    "static_select",
    "multi_static_select",
    "external_select",
    "multi_external_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "multi_conversations_select",
    "channels_select",
    "multi_channels_select",
}
_PICKERS = {"datepicker", "timepicker", "datetimepicker"}
_CHOICES = {"radio_buttons", "checkboxes"}
_TEXT_INPUTS = {
    "plain_text_input",
    "number_input",
    "email_text_input",
    "url_text_input",
    "rich_text_input",
}
_OPTION_LIMITS = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10}


class ElementChecker:
    """Collects problems while walking blocks; one instance per message or view."""

    ACTION_ELEMENTS = frozenset({"button", "overflow", *_SELECTS, *_PICKERS, *_CHOICES})
    SECTION_ACCESSORIES = ACTION_ELEMENTS | {"image"}
    INPUT_ELEMENTS = frozenset({*_SELECTS, *_PICKERS, *_CHOICES, *_TEXT_INPUTS, "file_input"})

    def __init__(self, file_ok: Callable[[str], bool] | None = None) -> None:
        self.problems: list[str] = []
        self.file_ok = file_ok  # is this file id uploaded and complete? (None: not checked)

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(f"{message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.problem(pointer, "must be a string")
        elif len(value) > limit:
            self.problem(pointer, f"must be less than {limit + 1} characters")

    def max_items(self, items: Any, limit: int, pointer: str, *, min_items: int = 0) -> None:
        if not isinstance(items, list):
            self.problem(pointer, "must be an array")
        elif len(items) < min_items:
            self.problem(pointer, f"at least {min_items} items required")
        elif len(items) > limit:
            self.problem(pointer, f"no more than {limit} items allowed")

    def text(self, obj: Any, pointer: str, *, limit: int, plain_only: bool = False) -> None:
        """A text object: `{"type": "plain_text" | "mrkdwn", "text": ...}`."""
        if not isinstance(obj, dict):
            self.problem(pointer, "must be a text object")
            return
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if obj.get("type") not in allowed:
            self.problem(f"{pointer}/type", f"must be one of {', '.join(allowed)}")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.problem(f"{pointer}/text", "must be at least 1 characters")
        else:
            self.max_len(text, limit, f"{pointer}/text")

    def elements(self, elements: Any, pointer: str, allowed: frozenset[str]) -> None:
        action_ids: set[str] = set()
        for index, element in enumerate(elements if isinstance(elements, list) else []):
            self.element(element, f"{pointer}/{index}", allowed)
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if action_id is not None and action_id in action_ids:
                self.problem(f"{pointer}/{index}/action_id", f"duplicate action_id: {action_id}")
            if isinstance(action_id, str):
                action_ids.add(action_id)

    def element(self, element: Any, pointer: str, allowed: frozenset[str] | set[str]) -> None:
        if not isinstance(element, dict):
            self.problem(pointer, "must be an object")
            return
        kind = element.get("type")
        if kind not in allowed:
            self.problem(f"{pointer}/type", f"unsupported element type here: {kind}")
            return
        self.max_len(element.get("action_id"), 255, f"{pointer}/action_id")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{pointer}/placeholder", limit=150, plain_only=True)
        if kind == "button":
            self._button(element, pointer)
        elif kind == "image":
            self._image(element, pointer)
        elif kind in _TEXT_INPUTS:
            for key in ("max_length", "min_length"):
                value = element.get(key)
                if isinstance(value, int) and not 0 <= value <= 3000:
                    self.problem(f"{pointer}/{key}", "must be between 0 and 3000")
        if "options" in element or kind in _OPTION_LIMITS:
            self._options(element.get("options", []), f"{pointer}/options", kind)
        for group_index, group in enumerate(element.get("option_groups") or []):
            where = f"{pointer}/option_groups/{group_index}"
            self.text(
                group.get("label") if isinstance(group, dict) else None,
                f"{where}/label",
                limit=75,
                plain_only=True,
            )
            options = group.get("options", []) if isinstance(group, dict) else []
            self._options(options, f"{where}/options", kind)

    def _button(self, element: dict[str, Any], pointer: str) -> None:
        self.text(element.get("text"), f"{pointer}/text", limit=75, plain_only=True)
        self.max_len(element.get("value"), 2000, f"{pointer}/value")
        self.max_len(element.get("url"), 3000, f"{pointer}/url")
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            self.problem(f"{pointer}/style", "must be one of primary, danger")

    def _image(self, element: dict[str, Any], pointer: str) -> None:
        """An image block or element: from `image_url`, or from `slack_file` ({id} or {url});
        a file id must name an uploaded, completed file."""
        url, slack_file = element.get("image_url"), element.get("slack_file")
        if (url is None) == (slack_file is None):
            self.problem(pointer, "must provide either image_url or slack_file")
        self.max_len(url, 3000, f"{pointer}/image_url")
        if slack_file is not None:
            where = f"{pointer}/slack_file"
            file_id = slack_file.get("id") if isinstance(slack_file, dict) else None
            file_url = slack_file.get("url") if isinstance(slack_file, dict) else None
            if (file_id is None) == (file_url is None):
                self.problem(where, "must provide either id or url")
            elif (
                file_id is not None
                and self.file_ok is not None
                and (not isinstance(file_id, str) or not self.file_ok(file_id))
            ):
                self.problem(f"{where}/id", "invalid slack_file: no such completed file")
        if not isinstance(element.get("alt_text"), str) or not element.get("alt_text"):
            self.problem(f"{pointer}/alt_text", "must be at least 1 characters")
        else:
            self.max_len(element.get("alt_text"), 2000, f"{pointer}/alt_text")

    def _options(self, options: Any, pointer: str, kind: Any) -> None:
        self.max_items(options, _OPTION_LIMITS.get(str(kind), 100), pointer)
        for index, option in enumerate(options if isinstance(options, list) else []):
            where = f"{pointer}/{index}"
            if not isinstance(option, dict):
                self.problem(where, "must be an object")
                continue
            self.text(option.get("text"), f"{where}/text", limit=75)
            value = option.get("value")
            if not isinstance(value, str) or not value:
                self.problem(f"{where}/value", "must be at least 1 characters")
            else:
                self.max_len(value, 150, f"{where}/value")
            if "description" in option:
                self.text(option["description"], f"{where}/description", limit=75)
