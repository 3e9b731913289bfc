from __future__ import annotations

from datetime import UTC, datetime

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
from bot.views.messages import slack_date, touch_already

AT = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
TOKEN = "<!date^1795548600^{date_short_pretty} at {time}|Tue 24 Nov 2026, 19:30 UTC>"


def test_slack_date_shows_each_reader_their_own_time() -> None:
    assert slack_date(AT) == TOKEN
    assert slack_date(AT.replace(tzinfo=None)) == TOKEN  # naive means UTC


@pytest.mark.parametrize(
    ("lead", "owner", "expected"),
    [
        (
            "Jordan Lee (Acme)",
            "Ana Alvarez",
            "Only the owner of *Jordan Lee (Acme)* (Ana Alvarez), their manager or an admin "
            "can act on it. Nothing was changed.",
        ),
        (
            "<!channel>",
            "<!here>",
            "Only the owner of *&lt;!channel&gt;* (&lt;!here&gt;), their manager or an admin "
            "can act on it. Nothing was changed.",
        ),
        (
            None,
            None,
            "Only the owner of this lead, their manager or an admin can act on it. "
            "Nothing was changed.",
        ),
    ],
)
def test_refusal_names_the_lead_and_its_owner(lead, owner, expected) -> None:
    assert refusal(lead, owner) == expected


@pytest.mark.parametrize(
    ("status", "by", "new_owner", "expected"),
    [
        (
            "accepted",
            "Ana Alvarez",
            None,
            f"*Jordan Lee (Acme)* was already accepted by Ana Alvarez on {TOKEN}. "
            "Nothing was changed.",
        ),
        (
            "reassigned",
            "the SLA clock",
            "Ben Brooks",
            f"*Jordan Lee (Acme)* was already reassigned to Ben Brooks by the SLA clock on "
            f"{TOKEN}. Nothing was changed.",
        ),
        (
            "handed_back",
            "Bo & <Co>",
            None,
            f"*Jordan Lee (Acme)* was already handed back by Bo &amp; &lt;Co&gt; on {TOKEN}. "
            "Nothing was changed.",
        ),
    ],
)
def test_already_decided_names_lead_person_and_time(status, by, new_owner, expected) -> None:
    assert already_decided(status, "Jordan Lee (Acme)", by, AT, new_owner=new_owner) == expected


def test_already_decided_without_details() -> None:
    assert already_decided("rejected", None, None, None) == (
        "This lead was already rejected. Nothing was changed."
    )
    assert "&lt;weird&gt;" in already_decided("<weird>", "", "", None)
    assert "system" not in already_decided("reassigned", "X", "the SLA clock", AT)


def test_touch_already_logged() -> None:
    assert touch_already("Jordan Lee (Acme)", "contacted", "Ana Alvarez", AT) == (
        f"The first touch on *Jordan Lee (Acme)* was already logged: contacted, by Ana Alvarez "
        f"on {TOKEN}. Nothing was changed."
    )


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
    assert len(refusal("x" * 5000, "y" * 5000)) < 700
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
    assert not_pending("Jordan <Lee>") == (
        "*Jordan &lt;Lee&gt;* is no longer waiting for that, so nothing was changed."
    )
    assert "this lead" in not_pending(None)
