"""`/handshake summary`: counts, timings, reasons, and tables by rep and by campaign."""

from __future__ import annotations

from bot.reports.common import Counts, Timing
from bot.reports.scope import OWN
from bot.reports.summary import Summary
from bot.views import blocks as bk
from bot.views.reports.campaigns import campaign_table
from bot.views.reports.stage import stage_blocks
from bot.views.reports.tables import (
    Message,
    count_pct,
    median_p90,
    message,
    period_line,
    reasons_text,
    table,
)
from bot.views.text import duration_text, plural


def _outcome_fields(c: Counts) -> list[str]:
    return [
        f"*Hand-offs*\n{c.handoffs}",
        f"*Accepted*\n{count_pct(c.accepted, c.acceptance_rate)}",
        f"*Rejected*\n{count_pct(c.rejected, c.reject_rate)}",
        f"*Wrong owner (re-routed)*\n{c.routing_errors}",
        f"*Handed back*\n{count_pct(c.handed_back, c.handback_rate)}",
        f"*Reassigned*\n{c.reassigned}",
        f"*Pending*\n{c.pending}",
        f"*Breached SLA*\n{count_pct(c.breached, c.breach_rate)}",
    ]


def _timing(title: str, t: Timing) -> str:
    if not t.count:
        return f"*{title}*\nno data yet"
    return f"*{title}*\n{median_p90(t)} ({t.count})"


def _rep_table(report: Summary) -> str:
    rows = [
        [
            r.name,
            r.counts.handoffs,
            r.counts.accepted,
            r.counts.rejected,
            r.counts.routing_errors,
            r.counts.handed_back,
            r.counts.pending,
            r.counts.breached,
            duration_text(r.median_to_decision),
        ]
        for r in report.reps
    ]
    headers = ["Rep", "Total", "Acc", "Rej", "Wrong", "Back", "Pend", "Late", "Median"]
    return table(headers, rows, [18, 5, 4, 4, 5, 4, 4, 4, 7])


def build_summary(report: Summary, *, tz: str) -> Message:
    c = report.counts
    blocks = [
        bk.header(f"Hand-off summary: {report.period.label}"),
        bk.context(period_line(report.period, report.scope, tz) + " · hand-offs created in it"),
    ]
    if report.received is not None:
        lead_fields = [
            f"*Leads received*\n{report.received}",
            f"*Qualified and routed*\n{report.qualified}",
            f"*Kept in nurture*\n{report.nurtured}",
        ]
    else:
        whose = "you" if report.scope.kind == OWN else "your team"
        lead_fields = [f"*Leads routed to {whose}*\n{c.routed}"]
    blocks.append(bk.section(fields=lead_fields))
    blocks.append(bk.section(fields=_outcome_fields(c)))
    timings = [
        _timing("Time to decision", report.to_decision),
        _timing("Accept to first touch", report.to_first_touch),
    ]
    blocks.append(bk.section(fields=timings))
    reasons = [
        reasons_text("Top reject reasons", report.reject_reasons),
        reasons_text("Top hand-back reasons", report.handback_reasons),
    ]
    if report.wrong_owner_reasons:
        reasons.append(reasons_text("Wrong-owner rejects", report.wrong_owner_reasons))
    blocks.append(bk.section(fields=reasons))
    if report.stage is not None:
        blocks.append(bk.divider())
        blocks.extend(stage_blocks(report.stage, by_person=report.scope.sees_others))
    if report.reps and report.scope.sees_others:
        blocks.append(bk.divider())
        blocks.append(bk.section("*By rep*\n" + _rep_table(report)))
    if report.campaigns:
        blocks.append(bk.section("*By campaign*\n" + campaign_table(report.campaigns)))
    if not c.handoffs and not report.received:
        blocks.append(bk.context("Nothing happened in this period."))
    text = (
        f"Hand-off summary, {report.period.label}: {plural(c.handoffs, 'hand-off')}, "
        f"{c.accepted} accepted, {c.pending} pending"
    )
    return message(text, blocks)
