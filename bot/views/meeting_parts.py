"""Pieces of the SDR → AE stage shared by the lead cards, the AE's card and the SDR's DM:
a meeting's outcome in words, the answers as ✓ / ? / ✗, and the lead's path. Everything
returned is escaped and sized."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import ids
from bot.config.qualification import NO, UNSURE, YES
from bot.services.meeting_cards import AnswerItem, MeetingItem
from bot.views import blocks as bk
from bot.views.text import format_when, one_line, plural, quote, safe
from storage.models import MEETING_ACCEPTED, MEETING_PENDING, MEETING_REJECTED, MEETING_SENT_BACK

MAX_PATH_MEETINGS = 5
PATH_BUDGET = bk.SECTION_TEXT - 100  # the path's section, with room for the trim's mark
NOTE_TEXT = 300
COMMENT_TEXT = 500

MARKS = {YES: "✓", UNSURE: "?", NO: "✗"}
OUTCOME = {
    MEETING_PENDING: "⏳ Awaiting the AE",
    MEETING_ACCEPTED: "✅ Accepted into pipeline",
    MEETING_SENT_BACK: "↩️ Sent back to the SDR",
    MEETING_REJECTED: "❌ Rejected by the AE",
}


def name(text: str | None, fallback: str = "someone") -> str:
    return safe(one_line(text), 200) if text and one_line(text) else fallback


def outcome_word(status: str) -> str:
    """ "accepted into pipeline", "sent back", "rejected" (prose, lower case)."""
    return {
        MEETING_ACCEPTED: "accepted into pipeline",
        MEETING_SENT_BACK: "sent back",
        MEETING_REJECTED: "rejected",
    }.get(status, "decided")


def answers_text(answers: Sequence[AnswerItem], version: str | None) -> str:
    """ "*Qualification*" and one line per criterion: ✓ / ? / ✗, the question, the comment."""
    title = "*Qualification*" + (f" · criteria {safe(one_line(version), 60)}" if version else "")
    lines = [title]
    for item in answers:
        mark = MARKS.get(str(item.answer), "•")
        line = f"{mark} *{safe(one_line(item.question), 200)}*"
        if item.comment and one_line(item.comment):
            line += f" — {safe(one_line(item.comment), COMMENT_TEXT)}"
        lines.append(line)
    if not answers:
        lines.append("_No answers recorded._")
    return "\n".join(lines)


def decision_lines(item: MeetingItem, tz: str) -> list[str]:
    """What the AE decided (empty while pending): the outcome, by whom and when, why."""
    if item.status == MEETING_PENDING:
        return []
    when = f" on {format_when(item.decided_at, tz)}" if item.decided_at else ""
    lines = [f"*{OUTCOME.get(item.status, item.status)}* by {name(item.decided_by_name)}{when}"]
    if item.status == MEETING_SENT_BACK and item.failed_question:
        lines.append(f"*Gap:* {safe(one_line(item.failed_question), 300)}")
    if item.status == MEETING_REJECTED and item.reason_label:
        lines.append(f"*Reason:* {safe(one_line(item.reason_label), 300)}")
    if item.decision_note and str(item.decision_note).strip():
        lines.append(quote(item.decision_note, 1500))
    return lines


def path_text(
    meetings: Sequence[MeetingItem],
    *,
    accepted_by: str | None,
    accepted_at: datetime | None,
    tz: str,
) -> str:
    """ "*Path*": MQL → accepted by the SDR, then each meeting: booked with whom, for when,
    and what the AE decided (sent-back meetings stay as history)."""
    when = f" on {format_when(accepted_at, tz)}" if accepted_at else ""
    head = ["*Path*", f"MQL → ✅ accepted by {name(accepted_by)}{when}"]
    items = [_path_line(item, tz) for item in list(meetings)[-MAX_PATH_MEETINGS:]]
    hidden = len(meetings) - len(items)

    def text() -> str:
        note = [f"_{plural(hidden, 'earlier meeting')} not shown_"] if hidden else []
        return "\n".join(head + note + items)

    while len(items) > 1 and len(text()) > PATH_BUDGET:  # the oldest go first: the latest
        items.pop(0)  # outcome always shows
        hidden += 1
    return text()


def _path_line(item: MeetingItem, tz: str) -> str:
    booked = f"→ 📅 meeting booked with {name(item.ae_name)} for {format_when(item.meeting_at, tz)}"
    if item.status == MEETING_PENDING:
        return f"{booked} → ⏳ awaiting {name(item.ae_name)}'s decision"
    return f"{booked} → {_short_outcome(item, tz)}"


def _short_outcome(item: MeetingItem, tz: str) -> str:
    when = f" on {format_when(item.decided_at, tz)}" if item.decided_at else ""
    text = f"{OUTCOME.get(item.status, item.status)} by {name(item.decided_by_name)}{when}"
    if item.status == MEETING_SENT_BACK and item.failed_question:
        text += f": ✗ {safe(one_line(item.failed_question), 200)}"
    if item.status == MEETING_REJECTED and item.reason_label:
        text += f": {safe(one_line(item.reason_label), 200)}"
    if item.decision_note and one_line(item.decision_note):
        text += f" — “{safe(one_line(item.decision_note), NOTE_TEXT)}”"
    return text


def sent_back_gap(item: MeetingItem) -> str:
    """On the SDR's card after a send back: what to fix before booking again."""
    lines = [f"↩️ *{name(item.decided_by_name)} sent the meeting back.*"]
    if item.failed_question:
        lines.append(f"*Gap:* {safe(one_line(item.failed_question), 300)}")
    if item.decision_note and str(item.decision_note).strip():
        lines.append(quote(item.decision_note, 1500))
    lines.append("Book it again with *Meeting booked* once the gap is closed.")
    return "\n".join(lines)


def book_button(handoff_id: int) -> bk.Block:
    return bk.button("Meeting booked", ids.TOUCH_MEETING, value=str(handoff_id), style="primary")


def meeting_buttons(meeting_id: int) -> list[bk.Block]:
    """**Accept into pipeline**, **Send back to SDR**, **Reject** (value: the meeting id):
    the same on the AE's meeting card, the meeting nudge and App Home."""
    value = str(meeting_id)
    return [
        bk.button("Accept into pipeline", ids.MEETING_ACCEPT, value=value, style="primary"),
        bk.button("Send back to SDR", ids.MEETING_SEND_BACK, value=value),
        bk.button("Reject", ids.MEETING_REJECT, value=value, style="danger"),
    ]
