"""Pieces every report shares: outcome counts with their rates, timings, reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from bot.config import HandshakeConfig
from storage.models import REJECTED
from storage.reports import Outcomes, ReasonTally, Spread

FRACTIONS = (0.5, 0.9)  # median and 90th percentile
TOP_REASONS = 5


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Counts:
    """What became of the hand-offs. Rates are shares of the verdicts on quality: accepted +
    rejected + handed back. Routing errors are left out of them (the lead goes to its right
    owner, who decides again); `breach_rate` is a share of all hand-offs."""

    handoffs: int = 0
    accepted: int = 0
    rejected: int = 0
    routing_errors: int = 0
    handed_back: int = 0
    reassigned: int = 0
    pending: int = 0
    breached: int = 0

    @classmethod
    def of(cls, row: Outcomes | None) -> Counts:
        if row is None:
            return cls()
        return cls(
            row.total,
            row.accepted,
            row.rejected,
            row.routing_errors,
            row.handed_back,
            row.reassigned,
            row.pending,
            row.breached,
        )

    @classmethod
    def sum(cls, rows: Iterable[Counts]) -> Counts:
        """Totals of rows that do not overlap (one per owner)."""
        values = [0] * len(fields(cls))
        for row in rows:
            values = [v + getattr(row, f.name) for v, f in zip(values, fields(cls), strict=True)]
        return cls(*values)

    @property
    def routed(self) -> int:
        """Leads routed: hand-offs less those passed on (reassigned, or rejected as a routing
        error), whose lead got another hand-off. Exact without a COUNT(DISTINCT lead)."""
        return self.handoffs - self.reassigned - self.routing_errors

    @property
    def verdicts(self) -> int:
        return self.accepted + self.rejected + self.handed_back

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepted, self.verdicts)

    @property
    def reject_rate(self) -> float | None:
        return rate(self.rejected, self.verdicts)

    @property
    def handback_rate(self) -> float | None:
        return rate(self.handed_back, self.verdicts)

    @property
    def breach_rate(self) -> float | None:
        return rate(self.breached, self.handoffs)


@dataclass(frozen=True)
class Timing:
    """Durations in minutes."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, spread: Spread | None) -> Timing:
        if spread is None or not spread.count:
            return cls()
        return cls(spread.count, *spread.values[:2])


@dataclass(frozen=True)
class ReasonCount:
    kind: str  # rejected | handed_back
    code: str | None
    label: str
    count: int
    routing_error: bool = False


def reason_counts(
    tallies: Iterable[ReasonTally],
    kind: str,
    config: HandshakeConfig,
    limit: int = TOP_REASONS,
    *,
    wrong_owner: bool = False,
) -> tuple[ReasonCount, ...]:
    """The most given reasons of one kind, labelled from the config when it still knows them.

    Rejected means rejected on quality, as in `Counts.rejected`: a wrong-owner reject (a
    routing error) is not one, and its reasons come only with `wrong_owner=True`."""
    found = [
        ReasonCount(t.status, t.code, _label(t, config), t.count, t.routing_error)
        for t in tallies
        if t.status == kind and (kind != REJECTED or t.routing_error == wrong_owner)
    ]
    found.sort(key=lambda r: (-r.count, r.code or ""))
    return tuple(found[:limit])


def _label(tally: ReasonTally, config: HandshakeConfig) -> str:
    kind = "reject" if tally.status == REJECTED else "handback"
    reason = config.reason(kind, tally.code) if tally.code else None
    return reason.label if reason else (tally.label or tally.code or "no reason given")
