"""`/handshake recycled`: do handed-back leads come back? Over the leads handed back in the
period (in the caller's scope, by the hand-back's owner), by hand-back reason: handed back
→ came back (a later hand-off of the same lead: by intake or by Re-engage) → accepted →
meeting. Reasons are the config's `reasons.handback` labels, in the config's order, then
codes the config no longer names (with the label stored at hand-back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.common import rate
from bot.reports.periods import Period
from bot.reports.scope import Scope
from storage import reports as q


@dataclass(frozen=True)
class RecycleRow:
    code: str
    label: str
    handed_back: int = 0
    came_back: int = 0
    re_engaged: int = 0  # of came_back; the rest came back by intake
    accepted: int = 0
    meeting: int = 0

    @property
    def by_intake(self) -> int:
        return self.came_back - self.re_engaged

    @property
    def return_rate(self) -> float | None:
        return rate(self.came_back, self.handed_back)


@dataclass(frozen=True)
class RecycledReport:
    period: Period
    scope: Scope
    rows: tuple[RecycleRow, ...]  # reasons with at least one hand-back in the period
    total: RecycleRow


def recycled(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> RecycledReport:
    del now
    window = q.Window(period.start, period.end, scope.owner_filter)
    by_code = {t.reason_code or "": t for t in q.recycle_tallies(window, session=session)}
    order = [r.code for r in config.reasons.handback]
    codes = [c for c in order if c in by_code] + sorted(set(by_code) - set(order))
    rows = tuple(_row(code, by_code[code], config) for code in codes)
    return RecycledReport(period, scope, rows, _total(rows))


def _row(code: str, t: q.RecycleTally, config: HandshakeConfig) -> RecycleRow:
    reason = config.reason("handback", code) if code else None
    label = reason.label if reason else (t.reason_label or code or "(no reason)")
    return RecycleRow(code, label, t.handed_back, t.came_back, t.re_engaged, t.accepted, t.meeting)


def _total(rows: tuple[RecycleRow, ...]) -> RecycleRow:
    return RecycleRow(
        "",
        "All reasons",
        sum(r.handed_back for r in rows),
        sum(r.came_back for r in rows),
        sum(r.re_engaged for r in rows),
        sum(r.accepted for r in rows),
        sum(r.meeting for r in rows),
    )
