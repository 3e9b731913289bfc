"""`/handshake stale`: the overdue hand-offs, oldest first, with what may be done to each."""

from __future__ import annotations

from bot import ids
from bot.reports.stale import StaleReport
from bot.views import blocks as bk
from bot.views.reports.tables import Message, campaign_name, message, scope_text
from bot.views.sla_parts import decision_buttons
from bot.views.text import duration_text, escape, format_when, mention, one_line, plural, safe


def build_stale(report: StaleReport, *, tz: str) -> Message:
    if not report.total:
        scope = scope_text(report.scope)
        text = f"Nothing is overdue ({scope}): every pending lead is within its SLA."
        return message(text, [bk.section(text)])
    blocks = [
        bk.header("Overdue hand-offs"),
        bk.context(
            f"{report.total} pending past the deadline · {scope_text(report.scope)} · oldest first"
        ),
    ]
    for item in report.items:
        campaign = f" · {safe(campaign_name(item.campaign), 100)}"
        overdue = escape(duration_text(item.overdue_minutes))
        blocks.append(
            bk.section(
                f"*{safe(one_line(item.lead_label), 300)}*{campaign}\n"
                f"Owner {mention(item.owner_id, item.owner_name)} · due "
                f"{format_when(item.due_at, tz)} · *{overdue} overdue*"
            )
        )
        value = str(item.handoff_id)
        buttons = decision_buttons(item.handoff_id)
        if report.scope.manages:
            buttons = [
                bk.button("Nudge", ids.NUDGE_AGAIN, value=value),
                bk.button("Reassign", ids.REASSIGN_NOW, value=value),
                *buttons,
            ]
        if not report.scope.read_only:  # marketers watch: no buttons
            blocks.append(bk.actions(buttons))
    if report.more:
        blocks.append(bk.context(f"… and {report.more} more overdue."))
    return message(f"{plural(report.total, 'overdue hand-off')}", blocks)
