from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from bot import ids
from bot.views import build_reason_modal, parse_private_metadata, parse_reason_submission
from bot.views.reason_modal import ReasonSubmission


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    reroute: bool = False


REASONS = [
    Reason("R-DATA", "Bad or unverifiable data"),
    Reason("R-OWNER", "Wrong owner or territory", reroute=True),
    Reason("R-AMP", "Budget & <authority>"),
    Reason("R-LONG", "L" * 200),
]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    return next((b for b in view["blocks"] if b.get("block_id") == block_id), None)


@pytest.mark.parametrize(
    ("kind", "title", "submit"),
    [("reject", "Reject lead", "Reject"), ("handback", "Hand back lead", "Hand back")],
)
def test_modal_shape(kind: str, title: str, submit: str, check_limits: Any) -> None:
    view = build_reason_modal(
        kind=kind,  # type: ignore[arg-type]
        handoff_id=42,
        lead_label="Dana <!channel> & Co",
        reasons=REASONS,
    )
    assert check_limits(view, surface="modal") == []
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.REASON_MODAL
    assert json.loads(view["private_metadata"]) == {"handoff_id": 42, "kind": kind}
    assert parse_private_metadata(view["private_metadata"]) == (42, kind)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        title,
        submit,
        "Cancel",
    )
    dumped = json.dumps(view)
    assert "<!channel>" not in dumped and "<authority>" not in dumped
    assert "Dana &lt;!channel&gt; &amp; Co" in view["blocks"][0]["text"]["text"]

    reason = block(view, ids.REASON_BLOCK)
    assert reason is not None and reason["type"] == "input"
    assert reason["optional"] is False
    select = reason["element"]
    assert (select["type"], select["action_id"]) == ("static_select", ids.REASON_INPUT)
    options = {o["value"]: o["text"]["text"] for o in select["options"]}
    assert options["R-DATA"] == "Bad or unverifiable data"
    assert options["R-AMP"] == "Budget &amp; &lt;authority&gt;"
    assert len(options["R-LONG"]) == 75 and options["R-LONG"].endswith("…")

    note = block(view, ids.NOTE_BLOCK)
    assert note is not None and note["optional"] is True
    assert note["element"]["type"] == "plain_text_input"
    assert note["element"]["action_id"] == ids.NOTE_INPUT
    assert note["element"]["multiline"] is True
    assert note["element"]["max_length"] == 2000

    revisit = block(view, ids.REVISIT_BLOCK)
    if kind == "reject":
        assert revisit is None
    else:
        assert revisit is not None and revisit["optional"] is True
        assert revisit["label"]["text"] == "Revisit on"
        assert revisit["element"]["type"] == "datepicker"
        assert revisit["element"]["action_id"] == ids.REVISIT_INPUT
        assert "initial_date" not in revisit["element"]


def test_handback_initial_date() -> None:
    view = build_reason_modal(
        kind="handback",
        handoff_id=1,
        lead_label="x",
        reasons=REASONS,
        initial_date=date(2027, 1, 5),
    )
    revisit = block(view, ids.REVISIT_BLOCK)
    assert revisit is not None
    assert revisit["element"]["initial_date"] == "2027-01-05"


def test_duplicate_and_oversized_codes_are_left_out(check_limits: Any) -> None:
    reasons = [Reason("A", "first"), Reason("A", "again"), Reason("B" * 151, "too long")]
    view = build_reason_modal(kind="reject", handoff_id=1, lead_label="x", reasons=reasons)
    reason = block(view, ids.REASON_BLOCK)
    assert reason is not None
    assert [o["value"] for o in reason["element"]["options"]] == ["A"]
    assert check_limits(view, surface="modal") == []


def test_many_reasons_and_long_label_stay_valid(check_limits: Any) -> None:
    reasons = [Reason(f"C{i}", f"Reason {i} " * 20) for i in range(150)]
    view = build_reason_modal(
        kind="handback", handoff_id=10**12, lead_label="<x>" * 2000, reasons=reasons
    )
    assert check_limits(view, surface="modal") == []


@pytest.mark.parametrize("reasons", [[], [Reason("", "empty code")]])
def test_no_reasons_is_a_programming_error(reasons: list[Reason]) -> None:
    with pytest.raises(ValueError, match="no reject reasons"):
        build_reason_modal(kind="reject", handoff_id=1, lead_label="x", reasons=reasons)


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown modal kind"):
        build_reason_modal(kind="maybe", handoff_id=1, lead_label="x", reasons=REASONS)  # type: ignore[arg-type]


def test_works_with_the_config_reason_model() -> None:
    reasons_module = pytest.importorskip("bot.config.reasons")
    reason = reasons_module.Reason(code="R-DATA", label="Bad data")
    view = build_reason_modal(kind="reject", handoff_id=1, lead_label="x", reasons=[reason])
    select = block(view, ids.REASON_BLOCK)
    assert select is not None
    assert select["element"]["options"][0]["value"] == "R-DATA"


def state(code: Any = None, note: Any = None, revisit: Any = None) -> dict[str, Any]:
    return {
        ids.REASON_BLOCK: {
            ids.REASON_INPUT: {
                "type": "static_select",
                "selected_option": None
                if code is None
                else {"text": {"type": "plain_text", "text": "label"}, "value": code},
            }
        },
        ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"type": "plain_text_input", "value": note}},
        ids.REVISIT_BLOCK: {ids.REVISIT_INPUT: {"type": "datepicker", "selected_date": revisit}},
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            state("N-TIMING", "  call back in Q1 <soon> ", "2027-01-05"),
            ReasonSubmission("N-TIMING", "call back in Q1 <soon>", "2027-01-05"),
        ),
        (state("R-DATA"), ReasonSubmission("R-DATA", None, None)),
        (state("R-DATA", "   \n  "), ReasonSubmission("R-DATA", None, None)),
        (state("R-DATA", "", "not-a-date"), ReasonSubmission("R-DATA", None, None)),
        (state(None, "note only"), ReasonSubmission(None, "note only", None)),
        (state(""), ReasonSubmission(None, None, None)),
        ({}, ReasonSubmission(None, None, None)),
        (None, ReasonSubmission(None, None, None)),
        ("garbage", ReasonSubmission(None, None, None)),
        ({ids.REASON_BLOCK: None, ids.NOTE_BLOCK: []}, ReasonSubmission(None, None, None)),
        (
            {ids.REASON_BLOCK: {ids.REASON_INPUT: {"selected_option": "R-DATA"}}},
            ReasonSubmission(None, None, None),
        ),
        (state(7, 8, 20270105), ReasonSubmission(None, None, None)),
    ],
)
def test_parse_reason_submission(values: Any, expected: ReasonSubmission) -> None:
    assert parse_reason_submission(values) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"handoff_id": 5, "kind": "reject"}', (5, "reject")),
        ('{"handoff_id": 5, "kind": "handback"}', (5, "handback")),
        ('{"handoff_id": "5", "kind": "reject"}', None),
        ('{"handoff_id": true, "kind": "reject"}', None),
        ('{"handoff_id": 5, "kind": "delete"}', None),
        ("[5]", None),
        ("not json", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_private_metadata(raw: Any, expected: Any) -> None:
    assert parse_private_metadata(raw) == expected
