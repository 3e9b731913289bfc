"""`/handshake criteria`: which of the agreed qualification questions predicts what the AE
accepts into pipeline?

For each criterion (the config's, in its order, then codes seen in the period's meetings
that the config no longer names, marked retired): the AE's acceptance (accepted of the
decided meetings: accepted, sent back, rejected) when the SDR answered Yes, Unsure or No,
and how often the AE named it as the criterion that failed on Send back. Meetings booked
in the period, in the caller's scope (as an SDR or as the AE); pending ones are left out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.qualification import NO, UNSURE, YES
from bot.reports.common import rate
from bot.reports.periods import Period
from bot.reports.scope import Scope
from storage import reports as q
from storage.models import MEETING_ACCEPTED, MEETING_DECIDED, MEETING_SENT_BACK


@dataclass(frozen=True)
class Acceptance:
    accepted: int = 0
    decided: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.accepted, self.decided)

    def add(self, status: str, count: int) -> Acceptance:
        return Acceptance(
            self.accepted + (count if status == MEETING_ACCEPTED else 0), self.decided + count
        )


@dataclass(frozen=True)
class CriterionRow:
    code: str
    question: str | None  # None: retired (no longer in the config)
    yes: Acceptance
    unsure: Acceptance
    no: Acceptance
    sent_back: int  # Send backs that named it as the criterion that failed

    @property
    def retired(self) -> bool:
        return self.question is None


@dataclass(frozen=True)
class CriteriaReport:
    period: Period
    scope: Scope
    version: str
    rows: tuple[CriterionRow, ...]
    decided: int  # decided meetings booked in the period
    sent_back: int

    @property
    def most_failed(self) -> CriterionRow | None:
        """The criterion most often named on Send back (the first in order on a tie)."""
        top = max(self.rows, key=lambda r: r.sent_back, default=None)
        return top if top is not None and top.sent_back else None


def criteria(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> CriteriaReport:
    window = q.Window(period.start, period.end, scope.owner_filter)
    tallies = q.answer_tallies(window, session=session)
    failed = q.failed_criteria(window, session=session)
    outcomes = q.meeting_tallies(window, session=session)
    decided = sum(t.count for t in outcomes if t.status in MEETING_DECIDED)
    return CriteriaReport(
        period=period,
        scope=scope,
        version=config.qualification.version,
        rows=criteria_rows(config, tallies, failed),
        decided=decided,
        sent_back=sum(t.count for t in outcomes if t.status == MEETING_SENT_BACK),
    )


def criteria_rows(
    config: HandshakeConfig, tallies: Iterable[q.AnswerTally], failed: dict[str, int]
) -> tuple[CriterionRow, ...]:
    """One row per criterion in the config, then one per retired code seen (sorted)."""
    by_code: dict[str, dict[str, Acceptance]] = {}
    for t in tallies:
        if t.status not in MEETING_DECIDED:
            continue
        answers = by_code.setdefault(t.code, {})
        answers[t.answer] = answers.get(t.answer, Acceptance()).add(t.status, t.count)
    configured = [(c.code, c.question) for c in config.qualification.criteria]
    known = {code for code, _ in configured}
    seen = ({t.code for t in tallies} | set(failed)) - known
    rows = []
    for code, question in [*configured, *((code, None) for code in sorted(seen))]:
        answers = by_code.get(code, {})
        rows.append(
            CriterionRow(
                code,
                question,
                answers.get(YES, Acceptance()),
                answers.get(UNSURE, Acceptance()),
                answers.get(NO, Acceptance()),
                failed.get(code, 0),
            )
        )
    return tuple(rows)
