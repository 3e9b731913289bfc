"""`/handshake routing`: per person, leads received against their weighted share, and how
often each was passed over and why; one table per team with its total."""

from __future__ import annotations

from bot.reports.routing import Line, RoutingReport, TeamLines
from bot.reports.scope import OWN
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, name_text, period_line, table
from bot.views.text import plural

HEADERS = ["Person", "Wt", "Got", "RR", "Exp", "+/-", "Away", "Cap", "Shift", "Deact"]
WIDTHS = [18, 4, 4, 4, 5, 5, 4, 4, 5, 5]
REFUSED = (
    "The routing report is for managers (their team) and admins (everyone); "
    "a rep sees their own line."
)
LEGEND = (
    "Got: leads received, by any rule · RR: of them by round robin · Exp: their weighted"
    " share of the leads that went round · +/-: RR less Exp · passed over: Away, Cap (at"
    " capacity), Shift (off shift), Deact (deactivated) · Wt: weight now"
)


def number(value: float, places: int = 1, *, sign: bool = False) -> str:
    """`value` to `places` decimals, never "-0.0"."""
    value = round(value, places) or 0.0
    return f"{value:+.{places}f}" if sign and value else f"{value:.{places}f}"


def weight_text(weight: float | None) -> str:
    if weight is None:
        return "—"
    return f"{round(weight, 2):g}"


def cells(line: Line) -> list[object]:
    return [
        line.name,
        weight_text(line.weight_now) if line.slack_id else "",
        line.received,
        line.round_robin,
        number(line.expected),
        number(line.difference, sign=True),
        *line.skipped,
    ]


def team_table(team: TeamLines, *, with_total: bool) -> str:
    rows = [cells(x) for x in team.lines] + ([cells(team.total)] if with_total else [])
    return table(HEADERS, rows, WIDTHS)


def build_routing(report: RoutingReport, *, tz: str) -> Message:
    blocks = [
        bk.header(f"Routing: {report.period.label}"),
        bk.context(period_line(report.period, report.scope, tz) + " · " + LEGEND),
    ]
    if not report.events:
        blocks.append(bk.section("No lead was routed in this period."))
    own = report.scope.kind == OWN
    for team in report.teams:
        title = "*Your line*" if own else f"*Team {name_text(team.team)}*"
        blocks.append(bk.section(title + "\n" + team_table(team, with_total=not own)))
    text = f"Routing, {report.period.label}: {plural(report.events, 'lead')} routed"
    return message(text, blocks)


def build_refused() -> Message:
    return {"text": REFUSED}
