"""What became of the hand-offs created in a window, the leads received in it, and the
reasons sales gave: the counting figures of `summary` and `campaigns`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from storage.aggregates import count_if
from storage.disputes import not_overturned
from storage.models import (
    ACCEPTED,
    HANDED_BACK,
    LEAD_NURTURE,
    PENDING,
    REASSIGNED,
    REJECTED,
    Handoff,
    Lead,
)
from storage.reports.window import Window, breached, in_window

GroupBy = Literal["owner", "campaign"] | None


@dataclass(frozen=True)
class Outcomes:
    """What became of the hand-offs created in the window."""

    key: str | None  # the owner's Slack ID or the campaign; None when not grouped
    total: int
    accepted: int
    rejected: int  # rejected on quality: routing errors and overturned rejects are apart
    routing_errors: int
    handed_back: int
    reassigned: int
    pending: int
    breached: int  # still pending past the deadline, or closed after it


@dataclass(frozen=True)
class LeadTally:
    campaign: str | None
    received: int
    nurtured: int


@dataclass(frozen=True)
class ReasonTally:
    status: str  # rejected | handed_back
    code: str | None
    label: str | None
    routing_error: bool
    count: int
    campaign: str | None = None  # when grouped by campaign


def _key(by: GroupBy) -> Any:
    return {"owner": col(Handoff.owner_id), "campaign": col(Lead.campaign)}.get(by or "")


def outcomes(
    window: Window, *, session: Session, now: datetime, by: GroupBy = None
) -> list[Outcomes]:
    """Hand-offs created in the window by outcome: one row, or one per owner or campaign."""
    status, routing_error = col(Handoff.status), col(Handoff.routing_error)
    key = _key(by)
    columns = [
        func.count(),
        count_if(status == ACCEPTED),
        count_if(and_(status == REJECTED, routing_error.is_(False), not_overturned())),
        count_if(and_(status == REJECTED, routing_error.is_(True))),
        count_if(status == HANDED_BACK),
        count_if(status == REASSIGNED),
        count_if(status == PENDING),
        count_if(breached(now)),
    ]
    query = select(*([key] if key is not None else []), *columns).where(*in_window(window))
    if by == "campaign":
        query = query.join(Lead, col(Lead.id) == col(Handoff.lead_id))
    if key is not None:
        query = query.group_by(key)
    rows = session.execute(query).all()
    if key is None:
        return [Outcomes(None, *row) for row in rows]
    return [Outcomes(*row) for row in rows]


def leads_received(window: Window, *, session: Session) -> list[LeadTally]:
    """Leads created in the window, by campaign: all of them, and those kept in nurture.
    Company-wide: a lead belongs to nobody until it is routed (`owners` is not used)."""
    campaign = col(Lead.campaign)
    query = (
        select(campaign, func.count(), count_if(col(Lead.status) == LEAD_NURTURE))
        .where(col(Lead.created_at) >= window.since, col(Lead.created_at) < window.until)
        .group_by(campaign)
    )
    return [LeadTally(*row) for row in session.execute(query).all()]


def reasons(window: Window, *, session: Session, by_campaign: bool = False) -> list[ReasonTally]:
    """Reject and hand-back reasons of the hand-offs created in the window, most given first;
    a decision overturned on dispute is left out (it no longer counts against marketing)."""
    status, code = col(Handoff.status), col(Handoff.reason_code)
    keys: list[Any] = [status, code, col(Handoff.routing_error)]
    if by_campaign:
        keys.append(col(Lead.campaign))
    count = func.count()
    query = (
        select(*keys[:2], func.max(col(Handoff.reason_label)), *keys[2:], count)
        .where(*in_window(window), status.in_((REJECTED, HANDED_BACK)), not_overturned())
        .group_by(*keys)
        .order_by(count.desc(), code)
    )
    if by_campaign:
        query = query.join(Lead, col(Lead.id) == col(Handoff.lead_id))
    found = []
    for row in session.execute(query).all():
        status_, code_, label, routing_error, *rest = row
        campaign = rest[0] if by_campaign else None
        found.append(ReasonTally(status_, code_, label, bool(routing_error), rest[-1], campaign))
    return found
