"""`/handshake dial …`, parsed: what each form asks for, and a usage answer for the rest."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands.parsing import Command, DialRequest, Usage, help_text, parse

TODAY = date(2026, 11, 23)
ANA = "U0AE00001"


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("dial", DialRequest()),
        ("dial up", DialRequest(change="up")),
        ("DIAL Down", DialRequest(change="down")),
        ("dial 2", DialRequest(change="set", weight=2.0)),
        ("dial 0", DialRequest(change="set", weight=0.0)),
        ("dial 1.5", DialRequest(change="set", weight=1.5)),
        ("dial 0.25", DialRequest(change="set", weight=0.25)),
        ("dial off", DialRequest(change="off")),
        ("dial reset", DialRequest(change="off")),
        ("dial up until 2026-12-05", DialRequest(change="up", until=date(2026, 12, 5))),
        ("dial 3 until 2026-11-23", DialRequest(change="set", weight=3.0, until=TODAY)),
        ("dial 2 until end-of-quarter", DialRequest(change="set", weight=2.0, end_of_quarter=True)),
        ("dial down UNTIL End-Of-Quarter", DialRequest(change="down", end_of_quarter=True)),
        (f"dial <@{ANA}|ana> up", DialRequest(target=ANA, change="up")),
        (f"dial <@{ANA}> 0 until 2026-12-01", DialRequest(ANA, "set", 0.0, date(2026, 12, 1))),
        (f"dial <@{ANA}|ana>", DialRequest(target=ANA)),
        (f"dial <@{ANA}|Ana Alvarez> up", DialRequest(target=ANA, change="up")),  # spaces
        (f"dial <@{ANA}> off", DialRequest(target=ANA, change="off")),
    ],
)
def test_dial_forms(text, request_):
    assert parse(text, TODAY) == Command("dial", dial=request_)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("dial sideways", "is not up, down, off or a weight"),
        ("dial -1", "is not up, down, off or a weight"),
        ("dial 1.555", "is not up, down, off or a weight"),
        ("dial 1,5", "is not up, down, off or a weight"),
        ("dial ½", "is not up, down, off or a weight"),
        ("dial ٣", "is not up, down, off or a weight"),
        ("dial 1e3", "is not up, down, off or a weight"),
        ("dial 2 until", "Usage"),
        ("dial 2 until tomorrow", "is not a date like"),
        ("dial 2 until 2026-02-30", "is not a date like"),
        ("dial 2 until 2026-11-22", "is in the past"),
        ("dial 2 until 2027-11-25", "more than a year ahead"),
        ("dial 2 for 2026-12-01", "Usage"),
        ("dial 2 until 2026-12-01 please", "Usage"),
        ("dial 2 3", "Usage"),
        ("dial off until 2026-12-01", "takes no date"),
        ("dial <!channel> up", "is not a person"),
        ("dial <#C0HANDOFF1|lead-handoff> up", "is not a person"),
        ("dial <@bob> up", "is not a person"),
    ],
)
def test_bad_dials_get_a_usage_answer(text, says):
    parsed = parse(text, TODAY)
    assert isinstance(parsed, Usage)
    assert says in parsed.message
    assert "/handshake dial up | down | N" in parsed.message
    assert "<!channel>" not in parsed.message and "<#" not in parsed.message


def test_help_lists_dial():
    assert "/handshake dial up | down | N [until YYYY-MM-DD | until end-of-quarter]" in help_text()
