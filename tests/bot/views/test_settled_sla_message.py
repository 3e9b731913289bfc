"""The closed version of a nudge or an escalation: no buttons, the outcome, escaped."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.views.sla_messages import build_settled_sla_message


def test_a_settled_nudge_has_no_buttons_and_escapes_what_came_from_outside():
    message = build_settled_sla_message(
        lead_label="<!channel> & Co",
        escalation=False,
        outcome="Rejected by <@U1>",
        detail="bad\n*Reason:* fake",
        at=datetime(2026, 11, 24, 14, 30, tzinfo=UTC),
        tz="Europe/London",
        permalink=None,
    )
    blocks = json.dumps(message["blocks"])
    assert all(b["type"] != "actions" for b in message["blocks"])
    assert "<!channel>" not in blocks and "&lt;!channel&gt; &amp; Co" in blocks
    assert "<@U1>" not in blocks and "<!channel>" not in message["text"]
    assert "\\n*Reason:*" not in blocks  # a note never fakes a line of its own
    assert "Tue 24 Nov 2026, 14:30 GMT" in blocks


def test_a_settled_escalation_keeps_its_icon():
    message = build_settled_sla_message(
        lead_label="Jordan Lee (Acme)",
        escalation=True,
        outcome="Reassigned to Ben Brooks",
        detail=None,
        at=None,
        tz="UTC",
        permalink="https://example.slack.com/archives/D1/p1",
    )
    assert message["text"].startswith("🚨 Jordan Lee (Acme): Reassigned to Ben Brooks")
