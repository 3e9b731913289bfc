"""The pieces of a lead card that read outside data: activities, signals, history.

Each returns mrkdwn that is already escaped and sized for one section; the lead
data is treated as untrusted and possibly malformed (wrong types, bad dates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.services.cards import HistoryItem
from bot.views.text import format_date, format_when, one_line, safe
from storage.models import (
    ACCEPTED,
    EXPIRED,
    HANDED_BACK,
    PENDING,
    REASSIGNED,
    REJECTED,
)

T = TypeVar("T")

RECENT_ACTIVITIES = 5
MAX_SIGNALS = 15
MAX_HISTORY = 5

STATUS_MARKERS = {
    PENDING: "⏳ Pending",
    ACCEPTED: "✅ Accepted",
    REJECTED: "❌ Rejected",
    HANDED_BACK: "↩️ Handed back",
    REASSIGNED: "🔁 Reassigned",
    EXPIRED: "⌛ Expired",
}


def status_marker(status: object) -> str:
    return STATUS_MARKERS.get(str(status), f"• {safe(one_line(status), 40)}")


def status_word(status: object) -> str:
    """ "✅ Accepted" -> "Accepted"; for prose."""
    return status_marker(status).split(" ", 1)[1]


@dataclass(frozen=True)
class _Activity:
    kind: str
    detail: str
    at: datetime | None
    duration_s: float | None


def _parse_at(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            return None
    return parsed


def _parse_duration(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 10**9 else None


def _activities(raw: Any) -> list[_Activity]:
    if not isinstance(raw, list | tuple):
        return []
    found: list[_Activity] = []
    for item in raw:
        if isinstance(item, str):
            item = {"detail": item}
        if not isinstance(item, dict):
            continue
        found.append(
            _Activity(
                kind=one_line(item.get("type")),
                detail=one_line(item.get("detail")),
                at=_parse_at(item.get("at")),
                duration_s=_parse_duration(item.get("duration_s")),
            )
        )
    return _newest_first(found, lambda a: a.at)


def _newest_first(items: list[T], when: Callable[[T], datetime | None]) -> list[T]:
    """Dated items newest first, then undated ones in their original order."""
    dated = sorted((i for i in items if when(i) is not None), key=when, reverse=True)
    return dated + [i for i in items if when(i) is None]


def _duration(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s" if secs else f"{minutes}m"
    return f"{secs}s"


def activity_text(raw: Any, tz_name: str) -> str:
    """ "*Recent activity*" and the newest few activities, with "and N more"."""
    items = _activities(raw)
    if not items:
        return "*Recent activity*\n_None recorded._"
    lines = ["*Recent activity*"]
    for act in items[:RECENT_ACTIVITIES]:
        parts = []
        if act.kind:
            parts.append(f"*{safe(act.kind, 60)}*")
        if act.detail:
            parts.append(safe(act.detail, 300))
        if act.at is not None:
            parts.append(format_when(act.at, tz_name))
        if act.duration_s is not None:
            parts.append(_duration(act.duration_s))
        lines.append("• " + (" · ".join(parts) or "_(no details)_"))
    if len(items) > RECENT_ACTIVITIES:
        lines.append(f"_and {len(items) - RECENT_ACTIVITIES} more_")
    return "\n".join(lines)


def signals_text(signals: Any, score: Any) -> str:
    """ "*Why it qualified*": the contract signals the lead matched."""
    names = [one_line(s) for s in signals if one_line(s)] if isinstance(signals, list) else []
    if not names:
        shown = format_score(score)
        tail = f" (score {shown})" if shown != "—" else ""
        return f"*Why it qualified*\nScore met the contract{tail}"
    lines = ["*Why it qualified*", *(f"• {safe(n, 200)}" for n in names[:MAX_SIGNALS])]
    if len(names) > MAX_SIGNALS:
        lines.append(f"_and {len(names) - MAX_SIGNALS} more_")
    return "\n".join(lines)


def format_score(score: Any) -> str:
    if isinstance(score, bool):
        return "—"
    try:
        value = float(score)
    except (TypeError, ValueError):
        return "—"
    if value != value or abs(value) > 10**12:  # NaN or absurd
        return "—"
    return f"{value:g}" if value != int(value) else str(int(value))


def _history_line(item: HistoryItem) -> str:
    owner = safe(one_line(item.owner_name), 100)
    status = str(item.status)
    if status in (ACCEPTED, REJECTED, HANDED_BACK):
        line = f"{status_marker(status)} by {owner}"
    elif status == PENDING:
        line = f"{status_marker(status)} with {owner}"
    else:
        line = f"{status_marker(status)} from {owner}"
    if item.decided_at is not None:
        line += f" on {format_date(item.decided_at)}"
    why = []
    if item.reason_label:
        why.append(safe(one_line(item.reason_label), 200))
    if item.note and str(item.note).strip():
        why.append(f"“{safe(one_line(item.note), 300)}”")
    if why:
        line += ": " + " — ".join(why)
    if item.revisit_on is not None:
        line += f" (revisit {format_date(item.revisit_on)})"
    return line


def history_text(history: tuple[HistoryItem, ...]) -> str:
    """ "*Earlier hand-off*": what happened to this lead before, newest first."""
    items = _newest_first(list(history), lambda h: _parse_at(h.decided_at))
    title = "*Earlier hand-off*" if len(items) == 1 else "*Earlier hand-offs*"
    lines = [title, *(_history_line(h) for h in items[:MAX_HISTORY])]
    if len(items) > MAX_HISTORY:
        lines.append(f"_and {len(items) - MAX_HISTORY} more_")
    return "\n".join(lines)
