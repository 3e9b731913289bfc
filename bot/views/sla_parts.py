"""Pieces shared by the lead card and the SLA messages: buttons, tier, first touch,
reassignment, and the card permalink. Everything returned is escaped and sized."""

from __future__ import annotations

import string
from datetime import datetime
from urllib.parse import urlsplit

from bot import ids
from bot.views import blocks as bk
from bot.views.text import format_when, one_line, safe

# Handoff.first_touch values.
CONTACTED = "contacted"
MEETING_BOOKED = "meeting_booked"
DISQUALIFIED = "disqualified"

TOUCH_LABELS = {
    CONTACTED: "Contacted",
    MEETING_BOOKED: "Meeting booked",
    DISQUALIFIED: "Disqualified after contact",
}
# Which first touch a button click stands for (Disqualified goes through the touch modal).
TOUCH_BY_ACTION = {
    ids.TOUCH_CONTACTED: CONTACTED,
    ids.TOUCH_MEETING: MEETING_BOOKED,
    ids.TOUCH_DISQUALIFIED: DISQUALIFIED,
}

TOUCH_NOTE_TEXT = 1500
_URL_CHARS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$'()*+,;=%")


def decision_buttons(handoff_id: int) -> list[bk.Block]:
    """**Accept**, **Reject**, **Hand back**: the same on the card, nudges and escalations."""
    value = str(handoff_id)
    return [
        bk.button("Accept", ids.ACCEPT, value=value, style="primary"),
        bk.button("Reject", ids.REJECT, value=value, style="danger"),
        bk.button("Hand back", ids.HAND_BACK, value=value),
    ]


def touch_buttons(handoff_id: int) -> list[bk.Block]:
    """**Contacted**, **Meeting booked**, **Disqualified after contact**."""
    value = str(handoff_id)
    return [
        bk.button("Contacted", ids.TOUCH_CONTACTED, value=value, style="primary"),
        bk.button("Meeting booked", ids.TOUCH_MEETING, value=value),
        bk.button("Disqualified after contact", ids.TOUCH_DISQUALIFIED, value=value),
    ]


def snooze_button(handoff_id: int) -> bk.Block:
    return bk.button("Snooze 1h", ids.SNOOZE, value=str(handoff_id))


def escalation_buttons(handoff_id: int, *, reassign: bool) -> list[bk.Block]:
    """**Nudge again** and, unless it is a follow-up escalation, **Reassign**."""
    value = str(handoff_id)
    buttons = [bk.button("Nudge again", ids.NUDGE_AGAIN, value=value)]
    if reassign:
        buttons.append(bk.button("Reassign", ids.REASSIGN_NOW, value=value))
    return buttons


def https_url(value: object) -> str | None:
    """`value` if it is an https URL that is safe inside `<url|label>` as is, else None.

    Our own permalinks only: no escaping is done, so anything that mrkdwn would read
    (`&`, `<`, `>`, `|`, spaces, non-ASCII) makes the URL unusable rather than escaped.
    """
    if not isinstance(value, str) or not value or len(value) > bk.URL - 100:
        return None
    if not set(value) <= _URL_CHARS:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme == "https" and parts.hostname else None


def card_link(permalink: object) -> str | None:
    url = https_url(permalink)
    return f"<{url}|Open the lead card>" if url else None


def tier_text(tier: object) -> str:
    """ "🔥 Tier: hot" (the tier name comes from the config: escaped)."""
    return f"🔥 Tier: {safe(one_line(tier), 60)}"


def touch_line(
    *,
    kind: str | None,
    at: datetime | None,
    by_name: str | None,
    tz: str,
    reason: str | None = None,
    note: str | None = None,
) -> str:
    """ "📞 Contacted by Ana on …", "📅 Meeting booked by …", "🚫 Disqualified after contact: …"."""
    who = safe(one_line(by_name), 200) if by_name and one_line(by_name) else ""
    by_on = (f" by {who}" if who else "") + (f" on {format_when(at, tz)}" if at else "")
    if kind == CONTACTED:
        return f"📞 Contacted{by_on}"
    if kind == MEETING_BOOKED:
        return f"📅 Meeting booked{by_on}"
    if kind == DISQUALIFIED:
        why = safe(one_line(reason), 300) if reason and one_line(reason) else "no reason given"
        if note and str(note).strip():
            why += f" — {safe(one_line(note), TOUCH_NOTE_TEXT)}"  # one line: no fake lines
        logged = f"\n_Logged{by_on}_" if by_on else ""
        return f"🚫 Disqualified after contact: {why}{logged}"
    return f"📌 First touch: {safe(one_line(kind), 60) or 'logged'}{by_on}"


def reassign_why(reason: object) -> str:
    """The stored reassign reason as a continuation: " after 24h …" or " · <reason>"."""
    text = one_line(reason)
    if not text:
        return ""
    shown = safe(text, 300)
    return f" {shown}" if text.lower().startswith(("after ", "because ")) else f" · {shown}"
