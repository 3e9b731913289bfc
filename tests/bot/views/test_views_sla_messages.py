"""Nudges, escalations, the manager fallback and the threaded notes of the SLA clock."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from bot import ids
from bot.views import build_escalation, build_manager_fallback, build_nudge, thread_note

NOW = datetime(2026, 11, 24, 19, 30)  # naive UTC
LINK = "https://acme.slack.com/archives/C0HANDOFF/p1732476600000100"
LEAD = "Jordan Lee (Acme)"
EVIL = ["<!channel>", "<https://evil.example|click>", "Q&A <!here> &lt;", "<@U0EVIL01>"]
OUR_LINK = re.compile(r"<https://[^<>|\s]+\|Open the lead card>")

DECISION_ROWS = [
    ("Accept", ids.ACCEPT, "42"),
    ("Reject", ids.REJECT, "42"),
    ("Hand back", ids.HAND_BACK, "42"),
]
TOUCH_ROWS = [
    ("Contacted", ids.TOUCH_CONTACTED, "42"),
    ("Meeting booked", ids.TOUCH_MEETING, "42"),
    ("Disqualified after contact", ids.TOUCH_DISQUALIFIED, "42"),
]
SNOOZE_ROW = ("Snooze 1h", ids.SNOOZE, "42")


def nudge(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "lead_label": LEAD,
        "handoff_id": 42,
        "owner_tz": "America/New_York",
        "due_at": NOW,
        "waited": "4h",
        "permalink": LINK,
        "tier": None,
    }
    return build_nudge(**{**args, **kw})


def escalation(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "lead_label": LEAD,
        "handoff_id": 42,
        "owner_name": "Ana Alvarez",
        "waited": "8h",
        "due_at": NOW,
        "manager_tz": "Europe/Paris",
        "permalink": LINK,
    }
    return build_escalation(**{**args, **kw})


def fallback(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "lead_label": LEAD,
        "handoff_id": 43,
        "previous_owner_name": "Ana Alvarez",
        "waited": "24h",
    }
    return build_manager_fallback(**{**args, **kw})


BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "nudge": nudge,
    "follow_up_nudge": lambda **kw: nudge(follow_up=True, **kw),
    "escalation": escalation,
    "follow_up_escalation": lambda **kw: escalation(follow_up=True, **kw),
    "fallback": fallback,
}


# --- nudge ----------------------------------------------------------------------------------


def test_nudge(check_limits: Any, buttons: Any) -> None:
    message = nudge()
    assert check_limits(message) == []
    assert message["text"] == "⏰ Jordan Lee (Acme) is waiting for your decision"
    assert message["blocks"][0]["text"]["text"] == (
        "⏰ *Jordan Lee (Acme)* is waiting for your decision — 4h since it arrived,"
        " due *Tue 24 Nov 2026, 14:30 EST*.\n"
        f"<{LINK}|Open the lead card>"
    )
    assert buttons(message) == [*DECISION_ROWS, SNOOZE_ROW]
    styles = [el.get("style") for el in message["blocks"][-1]["elements"]]
    assert styles == ["primary", "danger", None, None]


def test_follow_up_nudge(check_limits: Any, buttons: Any) -> None:
    message = nudge(follow_up=True, waited="2d", due_at=datetime(2026, 11, 26, 19, 30))
    assert check_limits(message) == []
    assert message["text"] == "⏰ Jordan Lee (Acme): no first touch logged yet"
    assert message["blocks"][0]["text"]["text"].startswith(
        "⏰ *Jordan Lee (Acme)*: no first touch logged yet — 2d since you accepted it,"
        " due *Thu 26 Nov 2026, 14:30 EST*."
    )
    assert buttons(message) == [*TOUCH_ROWS, SNOOZE_ROW]


def test_nudge_shows_the_tier(visible: Any) -> None:
    message = nudge(tier="hot")
    assert message["blocks"][1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "🔥 Tier: hot"}],
    }
    assert "Tier" not in visible(nudge(tier=None))
    assert "Tier" not in visible(nudge(tier=" "))


def test_nudge_without_a_wait_or_due_time(visible: Any) -> None:
    text = visible(nudge(waited="", due_at=None))
    assert "⏰ *Jordan Lee (Acme)* is waiting for your decision, due *—*." in text


@pytest.mark.parametrize(
    ("permalink", "shown"),
    [
        (LINK, True),
        ("https://acme.slack.com/archives/D0DM/p1?cid=D0DM", True),
        ("http://acme.slack.com/archives/C1/p1", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https:///archives/C1", False),
        ("https://acme.slack.com/a|<!channel>", False),
        ("https://acme.slack.com/a>b", False),
        ("https://acme.slack.com/a b", False),
        ("https://acme.slack.com/a?x=1&y=2", False),
        ("https://acme.slack.com/ärchives", False),
        ("https://acme.slack.com/" + "x" * 3000, False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
@pytest.mark.parametrize("builder", ["nudge", "follow_up_nudge", "escalation"])
def test_card_link_only_for_a_clean_https_url(
    permalink: Any, shown: bool, builder: str, visible: Any, check_limits: Any
) -> None:
    message = BUILDERS[builder](permalink=permalink)
    assert check_limits(message) == []
    text = visible(message)
    assert ("Open the lead card" in text) is shown
    if shown:
        assert f"<{permalink}|Open the lead card>" in text  # the URL as is, not escaped


# --- escalation -----------------------------------------------------------------------------


def test_escalation(check_limits: Any, buttons: Any) -> None:
    message = escalation()
    assert check_limits(message) == []
    assert message["text"] == "🚨 Jordan Lee (Acme) has waited 8h for Ana Alvarez"
    assert message["blocks"][0]["text"]["text"] == (
        "🚨 *Jordan Lee (Acme)* has waited 8h for *Ana Alvarez* to decide"
        " (due *Tue 24 Nov 2026, 20:30 CET*).\n"
        "Nudge them again, reassign the lead, or decide yourself.\n"
        f"<{LINK}|Open the lead card>"
    )
    assert buttons(message) == [
        ("Nudge again", ids.NUDGE_AGAIN, "42"),
        ("Reassign", ids.REASSIGN_NOW, "42"),
        *DECISION_ROWS,
    ]


def test_follow_up_escalation(check_limits: Any, buttons: Any) -> None:
    message = escalation(follow_up=True, waited="3d")
    assert check_limits(message) == []
    assert message["blocks"][0]["text"]["text"].startswith(
        "🚨 *Jordan Lee (Acme)*: *Ana Alvarez* accepted it but has logged no first touch in 3d"
    )
    assert "Jordan Lee (Acme)" in message["text"]
    assert buttons(message) == [("Nudge again", ids.NUDGE_AGAIN, "42")]


def test_escalation_without_an_owner_name_or_wait(visible: Any) -> None:
    text = visible(escalation(owner_name=None, waited=""))
    assert "🚨 *Jordan Lee (Acme)* is waiting for *its owner* to decide" in text


# --- manager fallback -----------------------------------------------------------------------


def test_manager_fallback(check_limits: Any, buttons: Any, visible: Any) -> None:
    message = fallback()
    assert check_limits(message) == []
    assert buttons(message) == []  # the fresh card carries the buttons
    assert message["blocks"][0]["text"]["text"] == (
        "🔁 No one else on the team can take *Jordan Lee (Acme)* — it's yours now.\n"
        "Ana Alvarez had it for 24h without a decision."
        " Decide on the new lead card in this conversation."
    )
    assert "hand-off #43" in visible(message)
    assert "Jordan Lee (Acme)" in message["text"]
    assert "Its owner did not decide." in visible(fallback(previous_owner_name="", waited=None))


def test_manager_fallback_shows_the_recorded_reason_once(visible: Any) -> None:
    text = visible(fallback(waited=None, reason="24h without a decision"))
    assert "Ana Alvarez did not decide — 24h without a decision." in text
    assert text.count("without a decision") == 1


# --- thread notes ---------------------------------------------------------------------------

NAMES = {"owner_name": "Ana Alvarez", "manager_name": "Maya Moreau", "new_owner_name": "Ben Brooks"}


@pytest.mark.parametrize(
    ("kind", "kw", "expected"),
    [
        ("nudge", {"waited": "4h"}, "⏰ Nudged Ana Alvarez: 4h without a decision"),
        (
            "escalation",
            {"waited": "8h"},
            "🚨 Told Maya Moreau (manager): Ana Alvarez has not decided in 8h",
        ),
        (
            "reassigned",
            {"waited": "24h"},
            "🔁 Reassigned from Ana Alvarez to Ben Brooks after 24h without a decision",
        ),
        ("follow_up_nudge", {"waited": "2d"}, "⏰ Nudged Ana Alvarez: no first touch logged in 2d"),
        (
            "follow_up_escalation",
            {"waited": "3d"},
            "🚨 Told Maya Moreau (manager): Ana Alvarez has logged no first touch in 3d",
        ),
        ("snoozed", {}, "💤 Ana Alvarez snoozed the next reminder for 1h"),
        (
            "snoozed",
            {"detail": "Tue 24 Nov, 15:30 EST"},
            "💤 Ana Alvarez snoozed the next reminder until Tue 24 Nov, 15:30 EST",
        ),
        (
            "touch",
            {"detail": "Meeting booked"},
            "📞 Ana Alvarez logged the first touch: Meeting booked",
        ),
        ("touch", {}, "📞 Ana Alvarez logged the first touch"),
        ("nudge", {"detail": "again, by Maya"}, "⏰ Nudged Ana Alvarez — again, by Maya"),
    ],
)
def test_thread_note(kind: Any, kw: dict[str, Any], expected: str, check_limits: Any) -> None:
    note = thread_note(kind, **{**NAMES, **kw})
    assert check_limits(note) == []
    assert note == {
        "text": expected,
        "blocks": [{"type": "context", "elements": [{"type": "mrkdwn", "text": expected}]}],
    }


def test_thread_note_without_names() -> None:
    assert thread_note("escalation", owner_name=None)["text"] == (
        "🚨 Told the manager: the owner has not decided"
    )
    assert thread_note("reassigned", owner_name="Ana", new_owner_name=" ")["text"] == (
        "🔁 Reassigned from Ana to the next owner"
    )


def test_thread_note_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown thread note kind"):
        thread_note("shout", owner_name="Ana")  # type: ignore[arg-type]


# --- hostile and huge input -----------------------------------------------------------------


def all_messages(value: str) -> list[dict[str, Any]]:
    messages = [
        nudge(lead_label=value, waited=value, tier=value),
        nudge(lead_label=value, waited=value, tier=value, follow_up=True),
        escalation(lead_label=value, owner_name=value, waited=value),
        escalation(lead_label=value, owner_name=value, waited=value, follow_up=True),
        fallback(lead_label=value, previous_owner_name=value, waited=value),
    ]
    names = {"manager_name": value, "new_owner_name": value, "waited": value, "detail": value}
    for kind in (
        "nudge",
        "escalation",
        "reassigned",
        "follow_up_nudge",
        "follow_up_escalation",
        "snoozed",
        "touch",
    ):
        messages.append(thread_note(kind, owner_name=value, **names))  # type: ignore[arg-type]
    return messages


@pytest.mark.parametrize("evil", EVIL)
def test_outside_text_is_escaped_everywhere(evil: str, visible: Any, check_limits: Any) -> None:
    for message in all_messages(evil):
        assert check_limits(message) == []
        dumped = json.dumps(message, ensure_ascii=False)
        for raw in ("<!channel>", "<!here>", "<https://evil", "<@U0EVIL01>"):
            assert raw not in dumped
        for text in visible(message).split("\n"):
            rest = OUR_LINK.sub("", text)
            assert "<" not in rest and ">" not in rest, text
        assert "&lt;" in dumped


def test_huge_inputs_are_trimmed(check_limits: Any) -> None:
    for message in all_messages("Ab&<" * 5000):
        assert check_limits(message) == []
        assert len(message["text"]) <= 3000
        assert len(message["blocks"]) <= 50


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_dm_names_the_lead(builder: str) -> None:
    message = BUILDERS[builder]()
    assert LEAD in message["text"]
    assert f"*{LEAD}*" in message["blocks"][0]["text"]["text"]
    assert len(message["text"]) <= 150
