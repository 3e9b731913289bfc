"""The AE's meeting card (a DM): who qualified the meeting and when it is, the SDR's
answers and note, the lead's context and history, and the three decisions while pending."""

from __future__ import annotations

from typing import Any

from bot.domain.leads import lead_label
from bot.services.meeting_cards import MeetingCardContext, MeetingItem
from bot.views import blocks as bk
from bot.views.lead_card import FALLBACK_TEXT, NOTES_TEXT, crm_button, summary_block
from bot.views.lead_parts import activity_text, signals_text
from bot.views.meeting_parts import (
    answers_text,
    decision_lines,
    meeting_buttons,
    name,
    outcome_word,
)
from bot.views.text import escape, format_when, one_line, quote, reader_time, safe, trim
from storage.models import MEETING_PENDING, MEETING_SENT_BACK

SDR_NOTE_TEXT = 2000
MAX_EARLIER = 5


def build_meeting_card(ctx: MeetingCardContext) -> dict[str, Any]:
    """`{"text": fallback, "blocks": [...]}` for chat.postMessage / chat.update. The
    meeting's time is a Slack date token: each reader sees it in their own zone."""
    meeting, lead, tz = ctx.meeting, ctx.lead, ctx.ae_tz
    sdr = name(ctx.sdr_name)
    result: list[bk.Block] = [
        bk.header(safe(lead_label(lead), bk.HEADER_TEXT)),
        bk.section(f"Meeting-qualified by *{sdr}* · meeting {reader_time(meeting.meeting_at, tz)}"),
        summary_block(lead),
        bk.section(answers_text(ctx.answers, meeting.criteria_version)),
    ]
    if meeting.note and str(meeting.note).strip():
        result.append(bk.section(f"*{sdr}'s note*\n{quote(meeting.note, SDR_NOTE_TEXT)}"))
    result.append(bk.section(signals_text(ctx.handoff.signals, lead.score)))
    result.append(bk.section(_history(ctx)))
    result.append(bk.section(activity_text(lead.activities, tz)))
    if lead.notes and str(lead.notes).strip():
        result.append(bk.section("*Notes*\n" + quote(lead.notes, NOTES_TEXT)))
    result.append(bk.divider())
    result.append(bk.section(_status(ctx)))
    buttons = meeting_buttons(meeting.id or 0) if meeting.status == MEETING_PENDING else []
    link = crm_button(lead.crm_url)
    if link is not None:
        buttons.append(link)
    if buttons:
        result.append(bk.actions(buttons))
    return {"text": _fallback(ctx), "blocks": result[: bk.MAX_BLOCKS]}


def _history(ctx: MeetingCardContext) -> str:
    """The first hand-off (who accepted it, when) and earlier meetings of this lead."""
    handoff, tz = ctx.handoff, ctx.ae_tz
    when = f" on {format_when(handoff.decided_at, tz)}" if handoff.decided_at else ""
    lines = ["*Hand-off history*", f"✅ Accepted by {name(ctx.accepted_by_name)}{when}"]
    for item in list(ctx.earlier)[-MAX_EARLIER:]:
        lines.append(_earlier_line(item, tz))
    return "\n".join(lines)


def _earlier_line(item: MeetingItem, tz: str) -> str:
    line = f"📅 Meeting with {name(item.ae_name)} on {format_when(item.meeting_at, tz)}"
    if item.status == MEETING_PENDING:
        return line + ": awaiting a decision"
    line += f": {outcome_word(item.status)}"
    if item.decided_by_name:
        line += f" by {name(item.decided_by_name)}"
    if item.status == MEETING_SENT_BACK and item.failed_question:
        line += f", failed ✗ {safe(one_line(item.failed_question), 200)}"
    if item.decision_note and one_line(item.decision_note):
        line += f" — “{safe(one_line(item.decision_note), 300)}”"
    return line


def _status(ctx: MeetingCardContext) -> str:
    meeting = ctx.meeting
    if meeting.status == MEETING_PENDING or ctx.decision is None:
        due = reader_time(meeting.due_at, ctx.ae_tz)
        return f"*⏳ Awaiting your decision* · decide by {due}"
    return "\n".join(decision_lines(ctx.decision, ctx.ae_tz))


def _fallback(ctx: MeetingCardContext) -> str:
    who = escape(lead_label(ctx.lead))
    sdr = escape(one_line(ctx.sdr_name))
    if ctx.meeting.status == MEETING_PENDING:
        text = f"Meeting-qualified by {sdr}: {who}"
    else:
        text = f"Meeting {outcome_word(ctx.meeting.status)}: {who}"
    return trim(text, FALLBACK_TEXT)
