from __future__ import annotations

import pytest

from bot.views import (
    already_decided,
    decision_recorded,
    not_found,
    not_pending,
    nudge_sent,
    reassigned_to,
    refusal,
    snoozed,
    touch_recorded,
)


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        (
            "Ana Alvarez",
            "Only the lead's owner (Ana Alvarez), their manager or an admin "
            "can decide on this lead.",
        ),
        (
            "<!channel>",
            "Only the lead's owner (&lt;!channel&gt;), their manager or an admin "
            "can decide on this lead.",
        ),
        (None, "Only the lead's owner, their manager or an admin can decide on this lead."),
    ],
)
def test_refusal(owner: str | None, expected: str) -> None:
    assert refusal(owner) == expected


@pytest.mark.parametrize(
    ("status", "by", "at", "expected"),
    [
        (
            "accepted",
            "Ana",
            "Tue 24 Nov 2026, 14:30 EST",
            "This lead was already accepted by Ana on Tue 24 Nov 2026, 14:30 EST.",
        ),
        (
            "handed_back",
            "Bo & <Co>",
            None,
            "This lead was already handed back by Bo &amp; &lt;Co&gt;.",
        ),
        ("rejected", None, None, "This lead was already rejected."),
        ("reassigned", "", "", "This lead was already reassigned."),
        ("<weird>", None, None, "This lead was already &lt;weird&gt;."),
    ],
)
def test_already_decided(status: str, by: str | None, at: str | None, expected: str) -> None:
    assert already_decided(status, by, at) == expected


@pytest.mark.parametrize(
    ("status", "starts"),
    [
        ("accepted", "✅ Accepted: *Dana &lt;!here&gt;*."),
        ("rejected", "❌ Rejected: *Dana &lt;!here&gt;*."),
        ("handed_back", "↩️ Handed back: *Dana &lt;!here&gt;*."),
    ],
)
def test_decision_recorded(status: str, starts: str) -> None:
    text = decision_recorded(status, "Dana <!here>")
    assert text.startswith(starts)
    assert "<!here>" not in text


def test_long_names_are_trimmed() -> None:
    assert len(refusal("x" * 5000)) < 400
    assert len(decision_recorded("accepted", "&" * 5000)) < 500


def test_not_found() -> None:
    assert "no longer exists" in not_found()


def test_snoozed() -> None:
    assert snoozed("Tue 24 Nov, 15:30 EST") == (
        "💤 Snoozed: your next reminder about this lead waits until Tue 24 Nov, 15:30 EST."
    )
    assert snoozed(None) == "💤 Snoozed: your next reminder about this lead waits for an hour."
    assert "<!here>" not in snoozed("<!here>")


def test_nudge_sent_and_reassigned_to() -> None:
    assert nudge_sent("Ana <b>") == "⏰ Nudged Ana &lt;b&gt; again."
    assert nudge_sent(None) == "⏰ Nudged the owner again."
    assert reassigned_to("Ben & Co") == (
        "🔁 Reassigned to Ben &amp; Co. They get a fresh card with the lead's history."
    )
    assert reassigned_to("").startswith("🔁 Reassigned to the next owner.")
    assert len(nudge_sent("x" * 5000)) < 300 and len(reassigned_to("x" * 5000)) < 300


@pytest.mark.parametrize(
    ("kind", "starts"),
    [
        ("contacted", "📞 Contacted: logged as the first touch."),
        ("meeting_booked", "📅 Meeting booked: logged as the first touch."),
        ("disqualified", "🚫 Disqualified after contact:"),
        ("<odd>", "📌 First touch logged: &lt;odd&gt;."),
    ],
)
def test_touch_recorded(kind: str, starts: str) -> None:
    assert touch_recorded(kind).startswith(starts)


def test_not_pending() -> None:
    assert "no longer waiting" in not_pending()
