"""Short ephemeral answers to a click or a submission (mrkdwn, outside text escaped)."""

from __future__ import annotations

from bot.views.lead_parts import status_marker, status_word
from bot.views.text import one_line, safe
from storage.models import ACCEPTED, HANDED_BACK, REJECTED

NAME = 200
LEAD_LABEL = 300

_RECORDED = {
    ACCEPTED: "Reach out soon, and log your first touch on the card.",
    REJECTED: "Marketing will see your reason on the hand-off card.",
    HANDED_BACK: "It goes back to marketing to nurture.",
}


def refusal(owner_name: str | None) -> str:
    owner = safe(one_line(owner_name), NAME) if owner_name and one_line(owner_name) else ""
    who = f"Only the lead's owner ({owner})" if owner else "Only the lead's owner"
    return f"{who}, their manager or an admin can decide on this lead."


def already_decided(status: str, by_name: str | None, at_text: str | None) -> str:
    """ "This lead was already accepted by Ana on Tue 24 Nov 2026, 14:30 EST." """
    text = f"This lead was already {status_word(status).lower()}"
    if by_name and one_line(by_name):
        text += f" by {safe(one_line(by_name), NAME)}"
    if at_text and one_line(at_text):
        text += f" on {safe(one_line(at_text), 100)}"
    return text + "."


def decision_recorded(status: str, lead_label: str) -> str:
    lead = safe(one_line(lead_label), LEAD_LABEL) or "the lead"
    follow_up = _RECORDED.get(status, "")
    text = f"{status_marker(status)}: *{lead}*."
    return f"{text} {follow_up}" if follow_up else text


def not_found() -> str:
    return (
        "This hand-off no longer exists, so nothing was changed. Ask an admin if that looks wrong."
    )


_TOUCH_RECORDED = {
    "contacted": "📞 Contacted: logged as the first touch. The follow-up clock has stopped.",
    "meeting_booked": "📅 Meeting booked: logged as the first touch. Nice work.",
    "disqualified": "🚫 Disqualified after contact: marketing sees your reason on the card.",
}


def snoozed(until_text: str | None) -> str:
    """Answer to **Snooze 1h**: only the clicker's next reminder moves."""
    until = safe(one_line(until_text), 100) if until_text and one_line(until_text) else ""
    when = f"until {until}" if until else "for an hour"
    return f"💤 Snoozed: your next reminder about this lead waits {when}."


def nudge_sent(owner_name: str | None) -> str:
    owner = safe(one_line(owner_name), NAME) if owner_name and one_line(owner_name) else ""
    return f"⏰ Nudged {owner or 'the owner'} again."


def reassigned_to(name: str | None) -> str:
    who = safe(one_line(name), NAME) if name and one_line(name) else "the next owner"
    return f"🔁 Reassigned to {who}. They get a fresh card with the lead's history."


def touch_recorded(kind: str) -> str:
    """Answer to a first-touch click or the disqualify modal."""
    return _TOUCH_RECORDED.get(
        str(kind), f"📌 First touch logged: {safe(one_line(kind), 60) or 'done'}."
    )


def not_pending() -> str:
    return "This lead is no longer waiting for a decision, so nothing was changed."
