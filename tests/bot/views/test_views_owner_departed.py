"""The manager's DM when a lead left with its owner moved on (services/departures)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.views.sla_messages import build_owner_departed

EVIL = ["<!channel>", "<https://evil.example|click>", "Q&A <!here>", "<@U0EVIL01>"]


def departed(**kw: object) -> dict:
    args: dict = {
        "lead_label": "Jordan Lee (Acme)",
        "handoff_id": 43,
        "previous_owner_name": "Ana Alvarez",
        "new_owner_name": "Ben Brooks",
        "reason": "left the roster",
    }
    return build_owner_departed(**{**args, **kw})


def test_names_the_lead_who_left_why_and_who_has_it(check_limits: Any) -> None:
    message = departed()
    assert check_limits(message) == []
    text = json.dumps(message["blocks"])
    for part in ("Jordan Lee (Acme)", "Ana Alvarez", "Ben Brooks", "left the roster", "#43"):
        assert part in text
    assert "Ben Brooks" in message["text"]
    assert not [b for b in message["blocks"] if b["type"] == "actions"]  # nothing to click


@pytest.mark.parametrize("evil", EVIL)
def test_outside_text_is_escaped(evil: str, check_limits: Any) -> None:
    message = departed(lead_label=evil * 500, previous_owner_name=evil, new_owner_name=evil)
    assert check_limits(message) == []
    text = json.dumps(message)
    assert "<!" not in text and "<@" not in text and "<https" not in text


def test_unknown_names_read_as_words() -> None:
    text = json.dumps(departed(previous_owner_name=None, new_owner_name=None, reason=None))
    assert "Its owner" in text and "the next rep" in text
