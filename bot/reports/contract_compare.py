"""`/handshake contract compare 2026-11 2026-12`: the figures of each contract version side
by side. Each hand-off counts for the version that routed it (`Handoff.contract_version`),
whenever it was created; the caller's scope applies as in `contract`.

Per version: leads routed (a lead's first hand-off; reassignments and re-routes are not new
leads), still pending, decided on quality (accepted, rejected, handed back: routing errors
left out), the acceptance rate and the top reject reasons."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.common import ReasonCount, reason_counts
from bot.reports.contract import Verdicts
from bot.reports.scope import Scope
from storage import reports as q
from storage.models import DECIDED, PENDING, REJECTED

TOP_REJECTS = 3


@dataclass(frozen=True)
class VersionFigures:
    version: str
    routed: int  # leads routed under it
    pending: int
    verdicts: Verdicts  # on quality
    routing_errors: int
    top_rejects: tuple[ReasonCount, ...]


@dataclass(frozen=True)
class ContractComparison:
    scope: Scope
    in_force: str
    versions: tuple[VersionFigures, ...]


def compare(
    versions: list[str], *, session: Session, config: HandshakeConfig, scope: Scope
) -> ContractComparison:
    tallies = q.version_outcomes(versions, session=session, owners=scope.owner_filter)
    figures = []
    for version in versions:
        mine = [t for t in tallies if t.version == version]
        verdicts = Verdicts()
        for t in mine:
            if t.status in DECIDED and not t.routing_error:
                verdicts = verdicts.add(t.status, t.count)
        reasons = [
            q.ReasonTally(t.status, t.code, t.label, t.routing_error, t.count)
            for t in mine
            if t.status == REJECTED
        ]
        figures.append(
            VersionFigures(
                version=version,
                routed=sum(t.count for t in mine if t.first),
                pending=sum(t.count for t in mine if t.status == PENDING),
                verdicts=verdicts,
                routing_errors=sum(t.count for t in mine if t.routing_error),
                top_rejects=reason_counts(_merged(reasons), REJECTED, config, TOP_REJECTS),
            )
        )
    return ContractComparison(scope, config.contract.version, tuple(figures))


def _merged(tallies: list[q.ReasonTally]) -> list[q.ReasonTally]:
    merged: dict[tuple[str | None, bool], q.ReasonTally] = {}
    for t in tallies:
        seen = merged.get((t.code, t.routing_error))
        count = t.count + (seen.count if seen else 0)
        merged[(t.code, t.routing_error)] = q.ReasonTally(
            t.status, t.code, t.label, t.routing_error, count
        )
    return list(merged.values())
