"""Short ephemeral answers to a click or a submission (mrkdwn, outside text escaped)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.views.lead_parts import status_marker, status_word
from bot.views.text import format_when, one_line, safe
from storage.models import ACCEPTED, HANDED_BACK, REASSIGNED, REJECTED

NAME = 200
LEAD_LABEL = 300
UNCHANGED = "Nothing was changed."

_RECORDED = {
    ACCEPTED: "Reach out soon, and log your first touch on the card.",
    REJECTED: "Marketing will see your reason on the hand-off card.",
    HANDED_BACK: "It goes back to marketing to nurture.",
}


def slack_date(at: datetime) -> str:
    """A moment every reader sees in their own time zone (Slack's date token), with the
    UTC time as the fallback for clients that cannot render it."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    fallback = format_when(aware, "UTC")
    return f"<!date^{int(aware.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _lead(lead_label: str | None, default: str = "this lead", *, plain: bool = False) -> str:
    label = safe(one_line(lead_label), LEAD_LABEL) if lead_label else ""
    if not label:
        return default
    return label if plain else f"*{label}*"


def _when(at: datetime, plain_tz: str | None) -> str:
    return format_when(at, plain_tz) if plain_tz else slack_date(at)


def _name(name: str | None) -> str:
    return safe(one_line(name), NAME) if name and one_line(name) else ""


def refusal(lead_label: str | None, owner_name: str | None, *, plain: bool = False) -> str:
    """ "Only the owner of *Jordan Lee (Acme)* (Ana Alvarez), their manager or an admin…" """
    owner, lead = _name(owner_name), _lead(lead_label, plain=plain)
    who = f"{lead} ({owner})" if owner else lead
    return f"Only the owner of {who}, their manager or an admin can act on it. {UNCHANGED}"


def already_decided(
    status: str,
    lead_label: str | None,
    by_name: str | None,
    at: datetime | None,
    *,
    new_owner: str | None = None,
    plain_tz: str | None = None,
) -> str:
    """ "*Jordan Lee (Acme)* was already reassigned to Ben Brooks by the SLA clock on …"
    With `plain_tz` (a modal's error line, plain text): no mrkdwn, the time in that zone."""
    lead = _lead(lead_label, "This lead", plain=plain_tz is not None)
    text = f"{lead} was already {status_word(status).lower()}"
    if status == REASSIGNED and _name(new_owner):
        text += f" to {_name(new_owner)}"
    if _name(by_name):
        text += f" by {_name(by_name)}"
    if at is not None:
        text += f" on {_when(at, plain_tz)}"
    return f"{text}. {UNCHANGED}"


def touch_already(
    lead_label: str | None,
    kind: str,
    by_name: str | None,
    at: datetime | None,
    *,
    plain_tz: str | None = None,
) -> str:
    """A first-touch button on a lead whose first touch is logged already."""
    lead = _lead(lead_label, plain=plain_tz is not None)
    text = f"The first touch on {lead} was already logged: "
    text += safe(one_line(kind.replace("_", " ")), 60) or "done"
    if _name(by_name):
        text += f", by {_name(by_name)}"
    if at is not None:
        text += f" on {_when(at, plain_tz)}"
    return f"{text}. {UNCHANGED}"


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


def not_pending(lead_label: str | None = None, *, plain: bool = False) -> str:
    return (
        f"{_lead(lead_label, plain=plain)} is no longer waiting for that, so nothing was changed."
    )
