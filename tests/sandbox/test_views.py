"""trigger_ids, modals and App Home through views.*."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import SandboxState
from tests.sandbox.conftest import Clock
from tests.sandbox.workspace import ANA, BO


def modal(title: str = "Reject lead", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "reason_modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Why?"}}],
        **extra,
    }


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def test_open_modal_with_a_fresh_trigger(client: WebClient, state: SandboxState) -> None:
    trigger = state.issue_trigger_id(ANA)

    view = client.views_open(trigger_id=trigger, view=modal())["view"]

    assert view["id"].startswith("V") and view["callback_id"] == "reason_modal"
    assert view["root_view_id"] == view["id"] and view["state"] == {"values": {}}
    assert [v.id for v in state.open_modals(ANA)] == [view["id"]]
    assert state.open_modals(BO) == []


def test_trigger_is_single_use(client: WebClient, state: SandboxState) -> None:
    trigger = state.issue_trigger_id(ANA)
    client.views_open(trigger_id=trigger, view=modal())
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "exchanged_trigger_id"
    )


def test_trigger_expires_after_three_seconds(
    client: WebClient, state: SandboxState, clock: Clock
) -> None:
    late = state.issue_trigger_id(ANA)
    in_time = state.issue_trigger_id(ANA)
    clock.advance(2.9)
    client.views_open(trigger_id=in_time, view=modal())
    clock.advance(0.2)

    assert error_of(lambda: client.views_open(trigger_id=late, view=modal())) == (
        "expired_trigger_id"
    )
    assert error_of(lambda: client.views_open(trigger_id="1.2.nope", view=modal())) == (
        "invalid_trigger_id"
    )


def test_update_push_and_hash(client: WebClient, state: SandboxState) -> None:
    opened = client.views_open(trigger_id=state.issue_trigger_id(ANA), view=modal())["view"]

    updated = client.views_update(view_id=opened["id"], view=modal("Hand back lead"))["view"]
    pushed = client.views_push(trigger_id=state.issue_trigger_id(ANA), view=modal("More"))["view"]

    assert updated["id"] == opened["id"] and updated["title"]["text"] == "Hand back lead"
    assert updated["hash"] != opened["hash"]
    assert pushed["previous_view_id"] == opened["id"]
    assert [v.id for v in state.open_modals(ANA)] == [opened["id"], pushed["id"]]
    assert error_of(
        lambda: client.views_update(view_id=opened["id"], view=modal(), hash=opened["hash"])
    ) == ("hash_conflict")
    assert error_of(lambda: client.views_update(view_id="V0NOPE", view=modal())) == "not_found"


def test_invalid_view_is_refused(client: WebClient, state: SandboxState) -> None:
    trigger = state.issue_trigger_id(ANA)
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal("t" * 25))) == (
        "invalid_blocks"
    )
    client.views_open(trigger_id=trigger, view=modal())  # the trigger was not used up


def test_publish_home(client: WebClient, state: SandboxState) -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}]}
    first = client.views_publish(user_id=ANA, view=home)["view"]
    again = client.views_publish(user_id=ANA, view={**home, "blocks": []})["view"]

    assert first["id"] == again["id"] and state.home(ANA) is not None
    assert state.home(ANA).payload["blocks"] == []  # type: ignore[union-attr]
    assert error_of(lambda: client.views_publish(user_id=ANA, view=modal())) == (
        "invalid_arguments"
    )
