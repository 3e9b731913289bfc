from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from bot import ids
from bot.views import build_touch_modal, parse_touch_metadata, parse_touch_submission
from bot.views.touch_modal import TouchSubmission


@dataclass(frozen=True)
class Reason:
    code: str
    label: str


REASONS = [
    Reason("D-BUDGET", "No budget after all"),
    Reason("D-AMP", "Fit & <timing>"),
    Reason("D-BUDGET", "Duplicate code, dropped"),
    Reason("D-LONG", "L" * 200),
]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_modal_shape(check_limits: Any) -> None:
    view = build_touch_modal(handoff_id=42, lead_label="Jordan <!channel> & Co", reasons=REASONS)
    assert check_limits(view, surface="modal") == []
    assert view["callback_id"] == ids.TOUCH_MODAL
    assert json.loads(view["private_metadata"]) == {"handoff_id": 42}
    assert parse_touch_metadata(view["private_metadata"]) == 42
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "Disqualify lead",
        "Disqualify",
        "Cancel",
    )
    assert view["blocks"][0]["text"]["text"].startswith("*Jordan &lt;!channel&gt; &amp; Co*\n")
    assert "<!channel>" not in json.dumps(view)

    reason = block(view, ids.TOUCH_REASON_BLOCK)
    assert reason["optional"] is False
    assert (reason["element"]["type"], reason["element"]["action_id"]) == (
        "static_select",
        ids.TOUCH_REASON_INPUT,
    )
    options = [(o["value"], o["text"]["text"]) for o in reason["element"]["options"]]
    assert [code for code, _ in options] == ["D-BUDGET", "D-AMP", "D-LONG"]
    assert options[1][1] == "Fit &amp; &lt;timing&gt;"
    assert len(options[2][1]) == 75

    note = block(view, ids.NOTE_BLOCK)
    assert note["optional"] is True
    assert (note["element"]["type"], note["element"]["action_id"]) == (
        "plain_text_input",
        ids.NOTE_INPUT,
    )


def test_no_reasons_is_an_error() -> None:
    with pytest.raises(ValueError, match="no disqualify reasons"):
        build_touch_modal(handoff_id=1, lead_label="x", reasons=[])


def test_huge_label_and_many_reasons(check_limits: Any) -> None:
    reasons = [Reason(f"D-{i}", "&<" * 100) for i in range(300)]
    view = build_touch_modal(handoff_id=1, lead_label="&<" * 5000, reasons=reasons)
    assert check_limits(view, surface="modal") == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {
                ids.TOUCH_REASON_BLOCK: {
                    ids.TOUCH_REASON_INPUT: {"selected_option": {"value": "D-BUDGET"}}
                },
                ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"value": "  went quiet  "}},
            },
            TouchSubmission("D-BUDGET", "went quiet"),
        ),
        (
            {
                ids.TOUCH_REASON_BLOCK: {ids.TOUCH_REASON_INPUT: {"selected_option": None}},
                ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"value": "   "}},
            },
            TouchSubmission(None, None),
        ),
        ({ids.REASON_BLOCK: {ids.REASON_INPUT: {"selected_option": {"value": "R-X"}}}}, None),
        ({}, TouchSubmission(None, None)),
        (None, TouchSubmission(None, None)),
        ({ids.TOUCH_REASON_BLOCK: "junk", ids.NOTE_BLOCK: {ids.NOTE_INPUT: 5}}, None),
    ],
)
def test_parse_touch_submission(values: Any, expected: TouchSubmission | None) -> None:
    assert parse_touch_submission(values) == (expected or TouchSubmission(None, None))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"handoff_id": 7}', 7),
        ('{"handoff_id": "7"}', None),
        ('{"handoff_id": true}', None),
        ("[7]", None),
        ("not json", None),
        (None, None),
    ],
)
def test_parse_touch_metadata(raw: Any, expected: int | None) -> None:
    assert parse_touch_metadata(raw) == expected
