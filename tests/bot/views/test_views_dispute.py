"""The dispute's Block Kit (pure): within Slack's limits with hostile, oversized text,
outside text escaped, the buttons only while open, the forms' metadata round-trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot import ids
from bot.services.dispute_messages import DisputeFacts
from bot.views.dispute import (
    answer_text,
    build_dispute_modal,
    build_outcome_dm,
    build_ruling_dm,
    build_ruling_modal,
    card_line,
    dispute_metadata,
    ruling_metadata,
    thread_note,
    why_value,
)
from sandbox.blockkit import check_message, check_view

HOSTILE = "<!channel> & <@U0AE00001> " + "x" * 5000


def facts(**overrides) -> DisputeFacts:
    fields = {
        "dispute_id": 7,
        "handoff_id": 3,
        "lead_label": "Jordan <Lee> (Acme & Co)",
        "decision": "rejected",
        "reason": "Bad or unverifiable data",
        "decision_note": HOSTILE,
        "owner_name": "Ana Alvarez",
        "decided_by_name": "Ana Alvarez",
        "disputed_by_name": "Mia Marketer",
        "why": HOSTILE,
        "status": "open",
    }
    return DisputeFacts(**{**fields, **overrides})


SETTLED = {
    "status": "overturned",
    "settled_by_name": "Maya <Moreau>",
    "settle_note": HOSTILE,
    "settled_at": datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
    "new_owner_name": "Ben Brooks",
}


def _text(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False) + message["text"]


@pytest.mark.parametrize("template", ["dispute_ruling", "dispute_remind", "dispute_escalation"])
def test_the_ruling_dm_carries_both_buttons_while_open(template):
    message = build_ruling_dm(facts(), template=template)
    assert check_message(message["text"], message["blocks"]) == []
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        ids.DISPUTE_UPHOLD,
        ids.DISPUTE_OVERTURN,
    ]
    assert all(e["value"] == "7" for e in actions[0]["elements"])
    text = _text(message)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "Bad or unverifiable data" in text and "Mia Marketer" in text


def test_the_settled_dm_and_the_outcome_dm_show_the_ruling_without_buttons():
    hostile = {**SETTLED, "lead_label": HOSTILE}
    for message in (build_ruling_dm(facts(**hostile), template="dispute_ruling"),
                    build_outcome_dm(facts(**hostile))):  # fmt: skip
        assert check_message(message["text"], message["blocks"]) == []
        assert not [b for b in message["blocks"] if b["type"] == "actions"]
        text = _text(message)
        assert "Overturned" in text or "overturned" in text
        assert "Maya &lt;Moreau&gt;" in text and "Ben Brooks" in text and "<!channel>" not in text


def test_thread_notes_and_card_lines():
    for kind, f_ in (("disputed", facts()), ("dispute_settled", facts(**SETTLED))):
        note = thread_note(kind, f_)
        assert check_message(note["text"], note["blocks"]) == []
        assert "<!channel>" not in _text(note)
    with pytest.raises(ValueError):
        thread_note("other", facts())
    assert "awaiting" in card_line(
        status="open", disputed_by_name="Mia", settled_by_name=None, new_owner_name=None
    )
    line = card_line(
        status="overturned", disputed_by_name="<Mia>", settled_by_name="Maya", new_owner_name="Ben"
    )
    assert "Overturned" in line and "re-routed to Ben" in line and "&lt;Mia&gt;" in line


def test_the_forms_are_valid_and_their_metadata_round_trips():
    modal = build_dispute_modal(handoff_id=12, lead_label=HOSTILE, decision="handed_back")
    assert check_view(modal) == []
    assert dispute_metadata(modal["private_metadata"]) == 12
    ruling = build_ruling_modal(dispute_id=5, ruling="overturned", lead_label=HOSTILE)
    assert check_view(ruling) == []
    assert ruling_metadata(ruling["private_metadata"]) == (5, "overturned")
    assert ruling_metadata(json.dumps({"dispute_id": 5, "ruling": "maybe"})) is None
    assert dispute_metadata("not json") is None and ruling_metadata(None) is None
    values = {ids.DISPUTE_WHY_BLOCK: {ids.DISPUTE_WHY_INPUT: {"value": "  why  "}}}
    assert why_value(values) == "why" and why_value({}) is None


def test_refusals_say_who_may_act():
    assert "Only marketers and admins" in answer_text("refused_dispute", "Jordan")
    assert "manager or an admin" in answer_text("refused_rule", "Jordan")
    assert "disputed once" in answer_text("already_disputed", "Jordan", status="upheld")


def test_a_refusal_escapes_the_lead_in_a_message_and_not_in_a_forms_error_line():
    label = "Bob <https://evil.example|Click me> & Co"
    said = answer_text("already_disputed", label, status="open")
    assert "&lt;https://evil.example|Click me&gt; &amp; Co" in said and "<https" not in said
    plain = answer_text("already_disputed", label, status="open", plain=True)
    assert label in plain  # a form's error line is shown as written
    assert len(answer_text("refused_dispute", "x" * 5000, plain=True)) < 400


def test_the_decision_is_said_to_be_by_whoever_made_it():
    """A manager who rejected their rep's lead from an escalation made the decision."""
    from bot.views.dispute import build_ruling_dm

    shown = str(build_ruling_dm(facts(decided_by_name="Maya Manager"), template="dispute_ruling"))
    assert "*Decision:* Rejected by Maya Manager" in shown and "Rejected by Ana" not in shown
