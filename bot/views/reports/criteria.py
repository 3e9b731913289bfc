"""`/handshake criteria`: the AE's acceptance by the SDR's answer to each criterion, and the
criteria named on Send back. `criteria_table` and `most_failed_text` are shared with the
weekly digest."""

from __future__ import annotations

from bot.reports.criteria import Acceptance, CriteriaReport
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, pct, period_line, table
from bot.views.text import one_line, plural, safe

RETIRED = "†"
RETIRED_NOTE = f"_{RETIRED} retired: no longer in the config, seen in this period's meetings_"
QUESTION = 150


def acceptance_cell(a: Acceptance) -> str:
    """ "3/6 50%"; "—" when no meeting with that answer was decided."""
    return f"{a.accepted}/{a.decided} {pct(a.rate)}" if a.decided else "—"


def criteria_table(report: CriteriaReport) -> str:
    rows = [
        [
            r.code + (f" {RETIRED}" if r.retired else ""),
            acceptance_cell(r.yes),
            acceptance_cell(r.unsure),
            acceptance_cell(r.no),
            r.sent_back,
        ]
        for r in report.rows
    ]
    headers = ["Criterion", "Yes", "Unsure", "No", "Back"]
    return table(headers, rows, [14, 10, 10, 10, 5])


def most_failed_text(report: CriteriaReport) -> str:
    top = report.most_failed
    if top is None:
        return "No meeting was sent back."
    return (
        f"Most common failed criterion on Send back: *{safe(top.code, 40)}* "
        f"({top.sent_back} of {plural(report.sent_back, 'send-back')})"
    )


def build_criteria(report: CriteriaReport, *, tz: str) -> Message:
    version = safe(one_line(report.version), 40)
    blocks = [
        bk.header(f"Qualification criteria {version}: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · meetings booked in it · acceptance = accepted into pipeline of the decided"
            " meetings (accepted, sent back, rejected), by the SDR's answer"
        ),
        bk.section("*AE acceptance by the SDR's answer*\n" + criteria_table(report)),
        bk.section(most_failed_text(report)),
    ]
    questions = [
        f"• *{safe(r.code, 40)}*: {safe(one_line(r.question), QUESTION)}"
        for r in report.rows
        if r.question is not None
    ]
    blocks.append(bk.context("\n".join(questions)))
    if any(r.retired for r in report.rows):
        blocks.append(bk.context(RETIRED_NOTE))
    if not report.decided:
        blocks.append(bk.context("No meeting booked in this period has been decided yet."))
    text = (
        f"Qualification criteria {version}, {report.period.label}: "
        f"{plural(report.decided, 'decided meeting')}"
    )
    return message(text, blocks)
