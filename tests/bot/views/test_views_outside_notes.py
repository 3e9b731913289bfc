"""Notes from outside can never pass for the card's own lines: shown as a quote block."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.views import build_lead_card
from bot.views.sla_parts import touch_line
from bot.views.text import quote
from storage.models import ACCEPTED, HANDED_BACK, REJECTED

FAKE = "ok\n*Reason:* Approved by the VP\r\n\n*Owner:* <@U0EVIL01>\u2028*Status:* won"


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def own_lines(text: str) -> list[str]:
    """Lines that are not quoted: what the card says itself."""
    return [line for line in lines_of(text) if not line.startswith("> ")]


def test_quote_prefixes_every_line_after_escaping() -> None:
    quoted = quote(FAKE, 500)
    assert all(line.startswith("> ") for line in lines_of(quoted))
    assert "\r" not in quoted and "\u2028" not in quoted
    assert "&lt;@U0EVIL01&gt;" in quoted
    assert quote("  ", 500) == ""
    assert quote("a" * 600, 100).endswith("…") and len(quote("a" * 600, 100)) <= 100


def card_text(kit: Any, audience: str, **kw: Any) -> str:
    card = build_lead_card(kit.ctx(**kw), audience=audience)
    return "\n".join(b["text"]["text"] for b in card["blocks"] if b.get("type") == "section")


@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_lead_notes_are_quoted(kit: Any, audience: str) -> None:
    text = card_text(kit, audience, lead=kit.lead(notes=FAKE))
    assert not any("Approved by the VP" in line for line in own_lines(text))
    assert "> *Reason:* Approved by the VP" in text


@pytest.mark.parametrize("status", [REJECTED, HANDED_BACK])
@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_decision_notes_are_quoted(kit: Any, audience: str, status: str) -> None:
    handoff = kit.handoff(
        status=status,
        reason_code="R-DATA",
        reason_label="Bad data",
        note=FAKE,
        decided_by="U0AE00001",
        decided_at=datetime(2026, 11, 24, 19, 30),
    )
    text = card_text(kit, audience, handoff=handoff)
    assert [line for line in own_lines(text) if line.startswith("*Reason:*")] == [
        "*Reason:* Bad data"
    ]
    assert not any("*Owner:* &lt;" in line or "won" in line for line in own_lines(text))


def test_touch_notes_stay_on_the_reason_line() -> None:
    text = touch_line(
        kind="disqualified", at=None, by_name="Ana", tz="UTC", reason="No budget", note=FAKE
    )
    assert lines_of(text)[0].startswith("🚫 Disqualified after contact: No budget — ok *Reason:*")
    assert not any(line.startswith(("*", "> ")) for line in lines_of(text))


def test_accepted_card_with_a_touch_note(kit: Any) -> None:
    handoff = kit.handoff(
        status=ACCEPTED,
        decided_by="U0AE00001",
        decided_at=datetime(2026, 11, 24, 19, 30),
        first_touch="disqualified",
        first_touch_at=datetime(2026, 11, 25, 19, 30),
        touch_reason_label="No budget",
        touch_note=FAKE,
    )
    text = card_text(kit, "channel", handoff=handoff)
    assert not any(line.startswith("*Reason:*") for line in lines_of(text))
