"""The manager's DM when a lead left with its owner moved on (services/departures), and
when an owner left an accepted lead before its first touch (with the channel's note)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.views.sla_messages import build_owner_departed, build_owner_departed_accepted, thread_note

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
@pytest.mark.parametrize("which", ["moved on", "accepted, left"])
def test_outside_text_is_escaped(which: str, evil: str, check_limits: Any) -> None:
    message = (
        departed(lead_label=evil * 500, previous_owner_name=evil, new_owner_name=evil, reason=evil)
        if which == "moved on"
        else left_accepted(lead_label=evil * 500, owner_name=evil, reason=evil)
    )
    assert check_limits(message) == []
    text = json.dumps(message)
    assert "<!" not in text and "<@" not in text and "<https" not in text


def test_unknown_names_read_as_words() -> None:
    text = json.dumps(departed(previous_owner_name=None, new_owner_name=None, reason=None))
    assert "Its owner" in text and "the next rep" in text


def left_accepted(**kw: object) -> dict:
    args: dict = {
        "lead_label": "Jordan Lee (Acme)",
        "handoff_id": 43,
        "owner_name": "Ana Alvarez",
        "reason": "deactivated in Slack",
        "accepted_at": datetime(2026, 11, 24, 15, 30, tzinfo=UTC),
        "manager_tz": "America/New_York",
    }
    return build_owner_departed_accepted(**{**args, **kw})


def test_an_accepted_lead_left_names_the_lead_who_when_and_what_to_do(check_limits: Any) -> None:
    message = left_accepted()
    assert check_limits(message) == []
    text = json.dumps(message["blocks"], ensure_ascii=False)
    for part in ("Jordan Lee (Acme)", "Ana Alvarez", "deactivated in Slack", "#43"):
        assert part in text
    assert "Tue 24 Nov" in text and "10:30" in text  # when it was accepted, the manager's time
    assert "logged no first touch" in text and "your CRM" in text
    assert "Ana Alvarez left before the first touch" in message["text"]
    assert not [b for b in message["blocks"] if b["type"] == "actions"]


def test_an_accepted_lead_left_reads_without_names_or_a_date() -> None:
    text = json.dumps(left_accepted(owner_name=None, reason=None, accepted_at=None))
    assert "Its owner can no longer follow up" in text and "They accepted it and logged" in text


def test_the_channel_note_says_who_left_and_who_was_told() -> None:
    note = thread_note(
        "owner_left", owner_name="Ana <b>", manager_name="Maya Moore", detail="left the roster"
    )
    assert note["text"] == (
        "🚪 Ana &lt;b&gt; left (left the roster) before a first touch: reminders stopped;"
        " told Maya Moore (manager)"
    )
    alone = thread_note("owner_left", owner_name="Ana", manager_name=None, detail=None)
    assert alone["text"] == "🚪 Ana left before a first touch: reminders stopped"
