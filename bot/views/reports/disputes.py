"""`/handshake disputes`: open disputes first, then settled ones, then the counts by reason
and by rep with the overturn rate."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.reports.disputes import DisputeItem, DisputeReport, DisputeTally
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, pct, period_line, short_when
from bot.views.text import mention, one_line, plural, quote, safe

DECISION = {"rejected": "Rejected", "handed_back": "Handed back"}
RULING = {"upheld": "Upheld", "overturned": "Overturned"}


def build_disputes(report: DisputeReport, *, tz: str) -> Message:
    head = period_line(report.period, report.scope, tz)
    if not report.total.disputed:
        text = f"No disputes ({head})."
        return message(text, [bk.section(text)])
    blocks: list[bk.Block] = [bk.header("Disputes"), bk.context(head)]
    blocks.append(bk.section(f"*Open ({len(report.open)})*"))
    blocks += [bk.section(_item(i, tz)) for i in report.open] or [bk.context("None open.")]
    blocks.append(bk.section(f"*Settled ({len(report.settled)})*"))
    blocks += [bk.section(_item(i, tz)) for i in report.settled] or [bk.context("None settled.")]
    if report.more:
        blocks.append(bk.context(f"… and {report.more} more, counted below."))
    blocks.append(bk.divider())
    blocks.append(bk.section(totals_line(report.total)))
    blocks.append(
        bk.section(tally_text("By reason", report.by_reason, name=lambda k: safe(one_line(k), 120)))
    )
    blocks.append(bk.section(tally_text("By rep", report.by_rep, name=mention)))
    return message(plural(report.total.disputed, "dispute"), blocks)


def _item(item: DisputeItem, tz: str) -> str:
    decision = DECISION.get(item.decision, item.decision)
    reason = f" · {safe(one_line(item.reason), 200)}" if item.reason else ""
    lines = [
        f"*{safe(one_line(item.lead_label), 300)}* · {decision} by {mention(item.decided_by)}"
        f"{reason}",
        f"Disputed by {mention(item.disputed_by)} on {short_when(item.created_at, tz)}:",
        quote(item.why, 600),
    ]
    if item.status in RULING and item.settled_at is not None:
        by = mention(item.settled_by) if item.settled_by else "the manager"
        ruling = f"*{RULING[item.status]}* by {by} on {short_when(item.settled_at, tz)}"
        if item.settle_note:
            ruling += f": {safe(one_line(item.settle_note), 300)}"
        lines.append(ruling)
    else:
        lines.append("_Awaiting the manager's ruling_")
    return "\n".join(lines)


def totals_line(total: DisputeTally) -> str:
    """ "5 disputes · 4 settled · 1 overturned (25% overturn rate)"."""
    return (
        f"*{plural(total.disputed, 'dispute')}* · {total.settled} settled · "
        f"{total.overturned} overturned ({pct(total.overturn_rate)} overturn rate)"
    )


def tally_text(title: str, tallies: Sequence[DisputeTally], *, name: Callable[[str], str]) -> str:
    lines = [f"*{title}*"]
    for t in tallies[:15]:
        rate = pct(t.overturn_rate)
        lines.append(f"• {name(t.key)}: {t.disputed} disputed, {t.overturned} overturned ({rate})")
    if len(tallies) > 15:
        lines.append(f"… and {len(tallies) - 15} more")
    return "\n".join(lines)
