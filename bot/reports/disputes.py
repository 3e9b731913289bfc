"""`/handshake disputes [30d]` and the digest's dispute lines (issue 14 §1): the disputes
raised in a period, open and settled, and counts by reason and by rep with the overturn
rate. Scope: a manager sees their team's decisions, admins and marketers all, a rep the
disputes of their own decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.reports.periods import Period
from bot.reports.scope import Scope
from storage.disputes import DisputeRow, disputes_since
from storage.models import DISPUTE_OPEN, DISPUTE_OVERTURNED

LISTED = 20  # disputes listed in full; the rest are counted


@dataclass(frozen=True)
class DisputeItem:
    dispute_id: int
    lead_label: str
    decision: str  # rejected | handed_back
    reason: str | None
    owner_id: str
    decided_by: str  # who made the decision (the owner, or a manager for them)
    disputed_by: str
    why: str
    status: str  # open | upheld | overturned
    created_at: datetime
    settled_by: str | None
    settled_at: datetime | None
    settle_note: str | None


@dataclass(frozen=True)
class DisputeTally:
    """Disputes of one reason or one rep: how many, how many settled, how many overturned."""

    key: str  # the reason's label, or the rep's Slack ID
    disputed: int
    settled: int
    overturned: int

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.settled if self.settled else None


@dataclass(frozen=True)
class DisputeReport:
    period: Period
    scope: Scope
    open: tuple[DisputeItem, ...]
    settled: tuple[DisputeItem, ...]
    by_reason: tuple[DisputeTally, ...]
    by_rep: tuple[DisputeTally, ...]
    total: DisputeTally
    more: int = 0  # not listed (past LISTED)
    names: tuple[tuple[str, str], ...] = ()  # (Slack ID, name) of the reps counted

    def name_of(self, slack_id: str) -> str:
        return dict(self.names).get(slack_id, slack_id)


def disputes(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> DisputeReport:
    del now
    rows = disputes_since(
        period.start, until=period.end, owners=scope.owner_filter, session=session
    )
    items = [_item(row) for row in rows]
    shown = items[:LISTED]
    return DisputeReport(
        period,
        scope,
        tuple(i for i in shown if i.status == DISPUTE_OPEN),
        tuple(i for i in shown if i.status != DISPUTE_OPEN),
        tally(rows, by="reason"),
        tally(rows, by="rep"),
        tally(rows, by=None)[0] if rows else DisputeTally("all", 0, 0, 0),
        max(0, len(items) - LISTED),
        tuple((p.slack_id, p.name) for p in config.people),
    )


def _item(row: DisputeRow) -> DisputeItem:
    d = row.dispute
    return DisputeItem(
        dispute_id=d.id or 0,
        lead_label=lead_label(row.lead),
        decision=row.decision,
        reason=row.reason_label or row.reason_code,
        owner_id=row.owner_id,
        decided_by=row.decided_by or row.owner_id,
        disputed_by=d.disputed_by,
        why=d.why,
        status=d.status,
        created_at=d.created_at,
        settled_by=d.settled_by,
        settled_at=d.settled_at,
        settle_note=d.settle_note,
    )


def tally(rows: Sequence[DisputeRow], *, by: str | None) -> tuple[DisputeTally, ...]:
    """Counts per reason (`by="reason"`), per rep (`"rep"`) or overall (None), most
    disputed first."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        if by == "reason":
            key = row.reason_label or row.reason_code or "no reason"
        else:
            key = row.owner_id if by == "rep" else "all"
        c = counts.setdefault(key, [0, 0, 0])
        c[0] += 1
        c[1] += row.dispute.status != DISPUTE_OPEN
        c[2] += row.dispute.status == DISPUTE_OVERTURNED
    found = [DisputeTally(key, *c) for key, c in counts.items()]
    return tuple(sorted(found, key=lambda t: (-t.disputed, t.key)))
