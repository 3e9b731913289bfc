"""What a click in the sandbox is about: the element (found in the message or view the
person sees) and the action object Slack would send for it.

The element's own data (button value and text, option objects) is taken from the stored
blocks, never from the page, so a payload carries what the bot actually sent.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from sandbox import payloads
from sandbox.models import JSON, SlackError, View
from sandbox.state import SandboxState

_OPTION_ELEMENTS = {"static_select", "radio_buttons", "overflow"}


class InteractionError(LookupError):
    """The interaction names something this person cannot see or that does not exist."""


@dataclass
class Choice:
    """What the person did with the element: a button has nothing to add."""

    value: str | None = None
    selected_option: JSON | str | None = None  # an option object, or just its value
    selected_date: str | None = None
    selected_date_time: int | None = None  # a datetimepicker: epoch seconds


@dataclass
class Surface:
    """Where the element is, ready for `payloads.interaction`."""

    container: JSON
    blocks: list[JSON]
    channel: JSON | None = None
    message: JSON | None = None
    view: View | None = None
    response_url: str | None = None
    earlier_blocks: list[list[JSON]] = field(default_factory=list)  # see `models.Shown`


def find_surface(
    state: SandboxState,
    user_id: str,
    channel: str | None,
    ts: str | None,
    view_id: str | None,
) -> Surface:
    """The view `view_id` when given, else the message at (channel, ts)."""
    if view_id:
        return view_surface(state, user_id, view_id)
    if not channel or not ts:
        raise InteractionError("message_not_found")
    try:
        return message_surface(state, user_id, channel, ts)
    except SlackError as error:
        raise InteractionError(error.code) from error


def message_surface(state: SandboxState, user_id: str, channel: str, ts: str) -> Surface:
    """A message (or one of `user_id`'s ephemerals) in a conversation they can see.
    Call under `state.lock`."""
    found = state.resolve_channel(channel)
    if not state.is_member(found, user_id) and not (found.is_im and state.allow_peek):
        raise InteractionError("channel_not_found")
    name = "directmessage" if found.is_im else found.name
    message = state.message_store.find(found.id, ts)
    if message is not None:
        return Surface(
            container=payloads.message_container(found.id, ts),
            blocks=message.blocks,
            channel={"id": found.id, "name": name},
            message=message.to_slack(),
            response_url=state.issue_response_url(user_id, found.id, ts),
            earlier_blocks=list(message.earlier_blocks),
        )
    for ephemeral in state.message_store.ephemerals:
        if (ephemeral.channel, ephemeral.user, ephemeral.ts) == (found.id, user_id, ts):
            return Surface(
                container=payloads.message_container(found.id, ts, is_ephemeral=True),
                blocks=ephemeral.blocks,
                channel={"id": found.id, "name": name},
                response_url=state.issue_response_url(user_id, found.id, ts, ephemeral=True),
                earlier_blocks=list(ephemeral.earlier_blocks),
            )
    raise InteractionError("message_not_found")


def view_surface(state: SandboxState, user_id: str, view_id: str) -> Surface:
    """An open modal of `user_id`, or their App Home. Call under `state.lock`."""
    view = state.view_store.find(view_id=view_id)
    is_home = view is not None and state.view_store.homes.get(user_id) is view
    is_open = view is not None and view in state.view_store.open_modals(user_id)
    if view is None or not (is_home or is_open):
        raise InteractionError("view_not_found")
    return Surface(
        container=payloads.view_container(view.id),
        blocks=list(view.payload.get("blocks") or []),
        view=copy.deepcopy(view),
        earlier_blocks=list(view.earlier_blocks),
    )


def find_shown_element(surface: Surface, action_id: str, block_id: str | None) -> tuple[str, JSON]:
    """`find_element` in the blocks shown now, else in those the person's screen may still
    show (the app replaced them a moment ago): Slack's client sends that click too, and
    the app answers it ("already accepted"). Never an element the surface never had."""
    for blocks in (surface.blocks, *reversed(surface.earlier_blocks)):
        try:
            return find_element(blocks, action_id, block_id)
        except InteractionError:
            continue
    raise InteractionError("action_not_found")


def find_element(blocks: list[JSON], action_id: str, block_id: str | None) -> tuple[str, JSON]:
    """`(block_id, element)` of the interactive element `action_id` (in `block_id` when
    given); a block without an id answers to "b<index>"."""
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        own_id = str(block.get("block_id") or f"b{index}")
        if block_id and block_id != own_id:
            continue
        for element in _elements(block):
            if element.get("action_id") == action_id:
                return own_id, element
    raise InteractionError("action_not_found")


def _elements(block: JSON) -> list[JSON]:
    found = [*(block.get("elements") or []), block.get("accessory"), block.get("element")]
    return [e for e in found if isinstance(e, dict)]


def action_object(element: JSON, block_id: str, choice: Choice) -> JSON:
    """The `actions[0]` Slack sends for `element` after `choice` (no action_ts yet)."""
    kind = str(element.get("type"))
    action: JSON = {"type": kind, "action_id": element.get("action_id"), "block_id": block_id}
    if kind == "button":
        for key in ("text", "value", "style", "url"):
            if key in element:
                action[key] = element[key]
    elif kind in _OPTION_ELEMENTS:
        action["selected_option"] = _option(element, choice.selected_option)
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
    elif kind == "datepicker":
        action["selected_date"] = _date(choice.selected_date)
        if "initial_date" in element:
            action["initial_date"] = element["initial_date"]
    elif kind == "datetimepicker":
        action["selected_date_time"] = _epoch(choice.selected_date_time)
        if "initial_date_time" in element:
            action["initial_date_time"] = element["initial_date_time"]
    elif choice.value is not None:
        action["value"] = choice.value
    return action


def _option(element: JSON, selected: JSON | str | None) -> JSON:
    wanted = selected.get("value") if isinstance(selected, dict) else selected
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if isinstance(option, dict) and option.get("value") == wanted:
            return dict(option)
    raise InteractionError("option_not_found")


def _epoch(value: object) -> int:
    """Epoch seconds, as a datetimepicker sends them (an integer, never a string)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**34:
        raise InteractionError("invalid_date_time")
    return value


def _date(value: str | None) -> str:
    try:
        return date.fromisoformat(value or "").isoformat()
    except ValueError as exc:
        raise InteractionError("invalid_date") from exc
