"""App Home's part of the SDR → AE stage: an SDR's meetings awaiting an AE and those sent
back, an AE's meetings to decide (with the three decisions), a team's pending meetings.
Pure; outside text escaped and trimmed; each list is a page ending "…and N more"."""

from __future__ import annotations

from bot import ids
from bot.services.home_meetings import MeetingItem, MeetingsView
from bot.views import blocks as bk
from bot.views.meeting_parts import meeting_buttons
from bot.views.text import duration_text, escape, format_when, one_line, safe

LABEL = 300
NAME = 120
QUESTION = 300
NOTE = 500


def meeting_blocks(view: MeetingsView, tz: str) -> list[bk.Block]:
    if view.role == "sdr":
        return _sdr(view, tz)
    if view.role == "ae":
        return _ae(view, tz)
    return _team(view, tz)


def _more(shown: int, total: int) -> list[bk.Block]:
    return [bk.context(f"…and {total - shown} more")] if total > shown else []


def _lead(item: MeetingItem) -> str:
    return safe(one_line(item.lead_label), LABEL) or "a lead"


def _name(name: str) -> str:
    return safe(one_line(name), NAME) or "someone"


def _due(item: MeetingItem, tz: str, who: str = "") -> str:
    if item.overdue:
        return f"🔴 {who}Overdue since {format_when(item.due_at, tz)}"
    return f"⏳ {who}Decide by {format_when(item.due_at, tz)}"


def _sdr(view: MeetingsView, tz: str) -> list[bk.Block]:
    blocks: list[bk.Block] = []
    if view.total:
        blocks.append(bk.section(f"*Meetings awaiting an AE's decision ({view.total})*"))
    for item in view.items:
        blocks.append(
            bk.section(
                f"*{_lead(item)}* · with {_name(item.ae_name)}\n"
                f"📅 Meeting {format_when(item.meeting_at, tz)} · {_due(item, tz, 'AE: ')}"
            )
        )
    blocks += _more(len(view.items), view.total)
    if view.sent_back_total:
        blocks.append(bk.section(f"*Sent back to you: book again ({view.sent_back_total})*"))
    for item in view.sent_back:
        when = f" on {format_when(item.decided_at, tz)}" if item.decided_at else ""
        text = f"*{_lead(item)}* · sent back by {_name(item.ae_name)}{when}"
        if item.failed_question and one_line(item.failed_question):
            text += f"\n❓ Failed: *{safe(one_line(item.failed_question), QUESTION)}*"
        if item.decision_note and one_line(item.decision_note):
            text += f"\n> {safe(one_line(item.decision_note), NOTE)}"
        blocks.append(bk.section(text))
        blocks.append(
            bk.actions(
                [bk.button("Book again", ids.TOUCH_MEETING, value=str(item.handoff_id))],
                block_id=f"{ids.HOME_REBOOK_BLOCK}{item.meeting_id}",
            )
        )
    blocks += _more(len(view.sent_back), view.sent_back_total)
    return blocks


def _ae(view: MeetingsView, tz: str) -> list[bk.Block]:
    blocks: list[bk.Block] = [bk.section(f"*Meetings to decide ({view.total})*")]
    for item in view.items:
        blocks.append(
            bk.section(
                f"*{_lead(item)}* · booked by {_name(item.sdr_name)}\n"
                f"📅 Meeting {format_when(item.meeting_at, tz)} · {_due(item, tz)}"
            )
        )
        blocks.append(
            bk.actions(
                meeting_buttons(item.meeting_id),
                block_id=f"{ids.HOME_MEETING_BLOCK}{item.meeting_id}",
            )
        )
    blocks += _more(len(view.items), view.total)
    return blocks


def _team(view: MeetingsView, tz: str) -> list[bk.Block]:
    blocks: list[bk.Block] = [
        bk.section(f"*Meetings awaiting an AE ({view.total})* · 🔴 {view.overdue_total} overdue")
    ]
    if not view.items:
        blocks.append(bk.context("None: no booked meeting waits for an AE's decision."))
    for item in view.items:
        due = format_when(item.due_at, tz)
        late = (
            f"🔴 {escape(duration_text(item.late_minutes))} late (due {due})"
            if item.overdue
            else f"⏳ Due {due}"
        )
        blocks.append(
            bk.section(
                f"*{_lead(item)}* · held by {_name(item.ae_name)} (AE) · "
                f"booked by {_name(item.sdr_name)}\n"
                f"📅 Meeting {format_when(item.meeting_at, tz)} · {late}"
            )
        )
    blocks += _more(len(view.items), view.total)
    return blocks
