"""The sandbox-only peek: other people's DMs are shown apart, and clicks there reach the bot."""

from __future__ import annotations

import pytest

from sandbox.interactions import InteractionError, message_surface
from sandbox.models import Message
from sandbox.person_view import person_view
from sandbox.state import SandboxState


def make_state() -> SandboxState:
    state = SandboxState(bot_token="xoxb-t")
    state.add_user("U0ANA", "ana", real_name="Ana")
    state.add_user("U0EVE", "eve", real_name="Eve")
    return state


def post_dm(state: SandboxState, user: str) -> str:
    dm = state.dm_channel_id(user)
    store = state.message_store
    message = store.add(
        Message(channel=dm, ts=store.next_ts(), text="card", user=state.bot_user_id)
    )
    return message.ts


def test_others_dms_are_listed_apart_and_never_as_your_own():
    state = make_state()
    post_dm(state, "U0ANA")
    view = person_view(state, "U0EVE")
    assert view["dm"]["messages"] == []
    assert [c["owner"] for c in view["peek"]] == ["U0ANA"]
    assert person_view(state, "U0ANA")["peek"] == []


def test_a_click_in_someone_elses_dm_is_allowed_only_while_peeking_is_on():
    state = make_state()
    ts = post_dm(state, "U0ANA")
    dm = state.dm_channel_id("U0ANA")
    with state.lock:
        assert message_surface(state, "U0EVE", dm, ts).message["ts"] == ts
    state.allow_peek = False
    with state.lock, pytest.raises(InteractionError, match="channel_not_found"):
        message_surface(state, "U0EVE", dm, ts)
