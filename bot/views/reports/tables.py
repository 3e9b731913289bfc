"""The pieces every report (and the weekly digest) is made of: numbers and durations as
text, monospace tables, time zones, reason lists and the message envelope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.reports.common import ReasonCount, Timing
from bot.reports.periods import Period
from bot.reports.scope import Scope
from bot.views import blocks as bk
from bot.views.text import duration_text, escape, one_line, safe, trim

Message = dict[str, Any]

NAME = 200
NOTE = 300
TABLE_ROWS = 25


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def count_pct(count: int, share: float | None) -> str:
    return f"{count} ({pct(share)})" if share is not None else str(count)


def median_p90(t: Timing) -> str:
    return escape(f"median {duration_text(t.median)} · p90 {duration_text(t.p90)}")


def _cell(value: object, width: int) -> str:
    text = one_line(value).replace("`", "'")
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]) -> str:
    """A monospace table; the first column left-aligned, the others right-aligned. Rows that
    would not fit a section are left out and counted on the last line."""

    def line(cells: Sequence[object]) -> str:
        parts = [_cell(c, w) for c, w in zip(cells, widths, strict=True)]
        padded = [parts[0].ljust(widths[0])] + [
            p.rjust(w) for p, w in zip(parts[1:], widths[1:], strict=True)
        ]
        return escape(" ".join(padded).rstrip())

    lines = [line(headers)]
    budget = bk.SECTION_TEXT - 200
    shown = 0
    for row in rows[:TABLE_ROWS]:
        candidate = line(row)
        if sum(len(x) + 1 for x in lines) + len(candidate) > budget:
            break
        lines.append(candidate)
        shown += 1
    if shown < len(rows):
        lines.append(f"… and {len(rows) - shown} more")
    return "```\n" + "\n".join(lines) + "\n```"


def zone(tz: str) -> ZoneInfo:
    """The named time zone; UTC if the name is unknown."""
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local_time(dt: datetime, tz: str) -> datetime:
    """`dt` in the zone `tz` (a naive `dt` is taken as UTC)."""
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(zone(tz))


def short_when(dt: datetime, tz: str) -> str:
    local = local_time(dt, tz)
    return f"{local.day} {local:%b %H:%M}"


def scope_text(scope: Scope, *, capital: bool = False) -> str:
    """Whose hand-offs a report covers, for mrkdwn: team names (from the config) escaped
    and kept as written; `capital`: the first letter uppercased, to open a line."""
    label = safe(one_line(scope.label), 500)
    return label[:1].upper() + label[1:] if capital else label


def period_line(period: Period, scope: Scope, tz: str) -> str:
    start = period.start.astimezone(zone(tz))
    end = period.end.astimezone(zone(tz))
    span = f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y} ({end.tzname()})"
    return f"{scope_text(scope, capital=True)} · {period.label}: {span}"


def name_text(value: object) -> str:
    return safe(one_line(value), NAME) or "—"


def campaign_name(value: str | None) -> str:
    """The campaign on one line, not yet escaped."""
    return one_line(value) or "(no campaign)"


def reasons_text(title: str, reasons: Sequence[ReasonCount], *, empty: str = "none") -> str:
    """A titled bullet list of reasons and their counts, for a section field."""
    if not reasons:
        return f"*{title}*\n{empty}"
    lines = []
    for r in reasons:
        flag = " _(routing error)_" if r.routing_error else ""
        lines.append(f"• {safe(one_line(r.label), 120)}: {r.count}{flag}")
    return f"*{title}*\n" + "\n".join(lines)


def message(text: str, blocks: list[bk.Block]) -> Message:
    """`{"text", "blocks"}`, cut to 50 blocks with a note saying so."""
    if len(blocks) > bk.MAX_BLOCKS:
        blocks = [*blocks[: bk.MAX_BLOCKS - 1], bk.context("_Cut to fit one message._")]
    return {"text": trim(text, 3000), "blocks": blocks}
