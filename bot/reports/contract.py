"""`/handshake contract`: does the qualification contract predict what sales accepts?

For each signal of the contract: the acceptance rate of hand-offs that matched it against
those that did not; and for hand-offs that qualified on score alone (no signal matched),
which reasons sales gave for turning them down. Verdicts on quality only: accepted,
rejected and handed back; routing errors and reassignments say nothing about the lead.
Only the hand-offs routed under the version in force count (`Handoff.contract_version`):
an earlier contract's leads are `contract compare`'s (bot/reports/contract_compare.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.common import ReasonCount, rate, reason_counts
from bot.reports.periods import Period
from bot.reports.scope import Scope
from storage import reports as q
from storage.models import ACCEPTED, HANDED_BACK, REJECTED


@dataclass(frozen=True)
class Verdicts:
    accepted: int = 0
    rejected: int = 0
    handed_back: int = 0

    @property
    def total(self) -> int:
        return self.accepted + self.rejected + self.handed_back

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepted, self.total)

    def add(self, status: str, count: int) -> Verdicts:
        return Verdicts(
            self.accepted + (count if status == ACCEPTED else 0),
            self.rejected + (count if status == REJECTED else 0),
            self.handed_back + (count if status == HANDED_BACK else 0),
        )


@dataclass(frozen=True)
class SignalRow:
    name: str
    qualifies: bool  # qualifies a lead on its own, whatever the score
    with_signal: Verdicts
    without: Verdicts


@dataclass(frozen=True)
class ContractReport:
    period: Period
    scope: Scope
    version: str
    min_score: float
    signals: tuple[SignalRow, ...]
    score_only: Verdicts
    score_only_rejects: tuple[ReasonCount, ...]
    score_only_handbacks: tuple[ReasonCount, ...]
    require: tuple[str, ...] = ()  # the definition in force: `contract.require`, as written


def contract(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> ContractReport:
    window = q.Window(period.start, period.end, scope.owner_filter)
    version = config.contract.version  # figures of the hand-offs routed under it, only
    found = q.signal_outcomes(window, session=session, version=version)
    tallies = [t for t in found if not t.routing_error]
    rows = []
    for signal in config.contract.signals:
        with_signal, without = Verdicts(), Verdicts()
        for t in tallies:
            if signal.name in t.signals:
                with_signal = with_signal.add(t.status, t.count)
            else:
                without = without.add(t.status, t.count)
        rows.append(SignalRow(signal.name, signal.qualifies, with_signal, without))
    score_only = Verdicts()
    for t in tallies:
        if not t.signals:
            score_only = score_only.add(t.status, t.count)
    reasons = [
        q.ReasonTally(t.status, t.code, t.label, t.routing_error, t.count)
        for t in tallies
        if not t.signals and t.status in (REJECTED, HANDED_BACK)
    ]
    return ContractReport(
        period=period,
        scope=scope,
        version=config.contract.version,
        min_score=config.contract.min_score,
        signals=tuple(rows),
        score_only=score_only,
        score_only_rejects=reason_counts(_merged(reasons), REJECTED, config),
        score_only_handbacks=reason_counts(_merged(reasons), HANDED_BACK, config),
        require=tuple(r.describe() for r in config.contract.require),
    )


def _merged(tallies: list[q.ReasonTally]) -> list[q.ReasonTally]:
    """One tally per (status, code): the signal combinations summed."""
    merged: dict[tuple[str, str | None], q.ReasonTally] = {}
    for t in tallies:
        seen = merged.get((t.status, t.code))
        count = t.count + (seen.count if seen else 0)
        merged[(t.status, t.code)] = q.ReasonTally(t.status, t.code, t.label, False, count)
    return list(merged.values())
