"""`/handshake contract compare A B`: each version's figures side by side."""

from __future__ import annotations

from bot.reports.contract_compare import ContractComparison, VersionFigures
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, pct, reasons_text, scope_text, table
from bot.views.text import one_line, safe

MAX_FIELDS = 10  # Slack: a section's fields


def _rows(figures: tuple[VersionFigures, ...]) -> list[list[object]]:
    return [
        ["Leads routed", *(f.routed for f in figures)],
        ["Pending", *(f.pending for f in figures)],
        ["Decided", *(f.verdicts.total for f in figures)],
        ["Accepted", *(f.verdicts.accepted for f in figures)],
        ["Rejected", *(f.verdicts.rejected for f in figures)],
        ["Handed back", *(f.verdicts.handed_back for f in figures)],
        ["Acceptance", *(pct(f.verdicts.acceptance_rate) for f in figures)],
        ["Routing errors", *(f.routing_errors for f in figures)],
    ]


def build_contract_compare(report: ContractComparison, *, tz: str) -> Message:
    del tz  # no dates: each version's hand-offs whenever they were created
    names = [safe(one_line(f.version), 20) for f in report.versions]
    title = "Contract " + " vs ".join(names)
    widths = [15, *([12] * len(names))]
    blocks = [
        bk.header(title),
        bk.context(
            f"{scope_text(report.scope, capital=True)} · each hand-off counts for the version that "
            f"routed it · in force now: {safe(one_line(report.in_force), 40)} · "
            "acceptance = accepted of accepted, rejected and handed back"
        ),
        bk.section(table(["", *names], _rows(report.versions), widths)),
        bk.section(
            fields=[
                reasons_text(
                    f"Top reject reasons, {name}", f.top_rejects, empty="no rejects on quality"
                )
                for name, f in zip(names, report.versions, strict=True)
            ][:MAX_FIELDS]
        ),
    ]
    if not any(f.routed for f in report.versions):
        blocks.append(bk.context("_No hand-off was routed under these versions (in your scope)._"))
    return message(title, blocks)
