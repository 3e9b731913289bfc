"""`/handshake campaigns`: a table by campaign, then each campaign's reasons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.reports.campaigns import CampaignReport, CampaignRow
from bot.views import blocks as bk
from bot.views.reports.insights import insights_text
from bot.views.reports.tables import Message, campaign_name, message, pct, period_line, table
from bot.views.text import one_line, plural, safe

CAMPAIGN_REASON_ROWS = 10


def campaign_table(rows: Sequence[CampaignRow]) -> str:
    """Leads and outcomes by campaign; received and nurtured only when the rows have them."""
    everyone = any(r.received is not None for r in rows)
    headers = ["Campaign", *(["Recv", "Nurt"] if everyone else []), "Routed", "Acc", "Back", "Rej"]
    headers += ["Pend", "Acc%"]
    widths = [20, *([5, 5] if everyone else []), 6, 4, 4, 4, 4, 5]
    body = [
        [
            campaign_name(r.campaign),
            *([r.received, r.nurtured] if everyone else []),
            r.counts.routed,
            r.counts.accepted,
            r.counts.handed_back,
            r.counts.rejected,
            r.counts.pending,
            pct(r.counts.acceptance_rate),
        ]
        for r in rows
    ]
    return table(headers, body, widths)


def _reasons_section(row: CampaignRow) -> bk.Block:
    parts = []
    for title, reasons in (
        ("Rejected", row.reject_reasons),
        ("Handed back", row.handback_reasons),
        ("Wrong owner, re-routed", row.wrong_owner_reasons),
    ):
        if reasons:
            listed = ", ".join(f"{safe(one_line(r.label), 100)} ({r.count})" for r in reasons)
            parts.append(f"{title}: {listed}")
    return bk.section(f"*{safe(campaign_name(row.campaign), 200)}*\n" + "\n".join(parts))


def build_campaigns(report: CampaignReport, *, tz: str) -> Message:
    blocks = [
        bk.header(f"Campaigns: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · Acc% = accepted of accepted, rejected and handed back"
        ),
    ]
    if not report.rows:
        blocks.append(bk.section("No leads in this period."))
        return message(f"Campaigns, {report.period.label}: no leads", blocks)
    blocks.append(bk.section(campaign_table(report.rows)))
    with_reasons = [
        r for r in report.rows if r.reject_reasons or r.handback_reasons or r.wrong_owner_reasons
    ]
    blocks += [_reasons_section(row) for row in with_reasons[:CAMPAIGN_REASON_ROWS]]
    if len(with_reasons) > CAMPAIGN_REASON_ROWS:
        blocks.append(
            bk.context(f"… and reasons for {len(with_reasons) - CAMPAIGN_REASON_ROWS} more")
        )
    if report.insights:
        blocks.append(bk.section("*What sales learned*\n" + insights_text(report.insights)))
    count = plural(len(report.rows), "campaign")
    return message(f"Campaigns, {report.period.label}: {count}", blocks)
