"""`/handshake recycled`: by hand-back reason, handed back → came back (by intake or
Re-engage) → accepted → meeting."""

from __future__ import annotations

from bot.reports.recycled import RecycledReport, RecycleRow
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, pct, period_line, table
from bot.views.text import plural


def _cells(r: RecycleRow) -> list[object]:
    return [
        r.label,
        r.handed_back,
        f"{r.came_back} {pct(r.return_rate)}",
        r.by_intake,
        r.re_engaged,
        r.accepted,
        r.meeting,
    ]


def recycled_table(report: RecycledReport) -> str:
    headers = ["Reason", "Back", "Returned", "Intake", "Re-eng", "Acc", "Mtg"]
    rows = [_cells(r) for r in report.rows] + [_cells(report.total)]
    return table(headers, rows, [22, 5, 9, 6, 6, 4, 4])


def build_recycled(report: RecycledReport, *, tz: str) -> Message:
    total = report.total
    blocks = [
        bk.header(f"Recycled leads: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · leads handed back in it · returned = a later hand-off of the same lead"
            " (Intake: the lead came in again; Re-eng: the owner chose Re-engage) · Acc: a"
            " later hand-off accepted · Mtg: a meeting booked on one"
        ),
    ]
    if not total.handed_back:
        blocks.append(bk.section("No lead was handed back in this period."))
    else:
        blocks.append(bk.section("*By hand-back reason*\n" + recycled_table(report)))
        blocks.append(
            bk.section(
                f"*{total.came_back}* of {plural(total.handed_back, 'handed-back lead')} came"
                f" back ({pct(total.return_rate)}): {total.by_intake} by intake,"
                f" {total.re_engaged} by Re-engage; {total.accepted} accepted,"
                f" {total.meeting} with a meeting"
            )
        )
    text = (
        f"Recycled leads, {report.period.label}: {total.came_back} of "
        f"{plural(total.handed_back, 'handed-back lead')} came back"
    )
    return message(text, blocks)
