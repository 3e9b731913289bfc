"""The queries behind App Home. Counts, medians and top reasons are computed in SQL
(GROUP BY, window functions, with the building blocks the reports use too:
`storage.aggregates`); Python only sees a page of rows and small aggregates.

`teams` scopes a query to hand-offs whose owner is in one of those teams (the same
rule as who may decide: the owner's manager); `None` means everyone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.aggregates import count_if, median_rows, seconds_between
from storage.models import (
    ACCEPTED,
    DECIDED,
    HANDED_BACK,
    LANE_SLACK,
    OUT_FAILED,
    PENDING,
    REJECTED,
    Handoff,
    Lead,
    Outbox,
    Person,
)

NO_CAMPAIGN = ""  # the group key of leads without a campaign
WRONG_OWNER = "wrong_owner"  # decisions_since: rejected as the wrong owner (a routing error)
COUNTED = (ACCEPTED, REJECTED, HANDED_BACK, PENDING)  # by campaign: where each lead ended


@dataclass(frozen=True)
class QueueCounts:
    pending: int
    awaiting_touch: int


@dataclass(frozen=True)
class TouchRow:
    handoff: Handoff
    lead: Lead


@dataclass(frozen=True)
class TeamCounts:
    team: str | None
    pending: int
    breached: int


@dataclass(frozen=True)
class BreachedRow:
    handoff: Handoff
    lead: Lead
    owner: Person


@dataclass(frozen=True)
class Responder:
    owner_id: str
    name: str
    median_seconds: float
    decisions: int


@dataclass(frozen=True)
class CampaignCounts:
    campaign: str  # NO_CAMPAIGN when the leads carried none
    accepted: int
    rejected: int
    handed_back: int
    pending: int

    @property
    def total(self) -> int:
        return self.accepted + self.rejected + self.handed_back + self.pending


@dataclass(frozen=True)
class ReasonCount:
    campaign: str
    label: str
    count: int


@dataclass(frozen=True)
class DecisionRow:
    handoff: Handoff
    lead: Lead
    owner_name: str | None
    decider_name: str | None


def _decided() -> Any:
    """`status IN DECIDED`, written so that SQLite's planner (no statistics) does not pick
    ix_handoff_status_due for it: fetching every decided row through that index is several
    times slower than scanning, and an index on decided_at, where there is one, is better."""
    return func.coalesce(Handoff.status, "").in_(list(DECIDED))


def _owned_by_teams(query: Any, teams: Sequence[str] | None) -> Any:
    query = query.join(Person, col(Person.slack_id) == col(Handoff.owner_id))
    return query if teams is None else query.where(col(Person.team).in_(list(teams)))


# -- a person's own queue ---------------------------------------------------------------


def queue_counts(owner_id: str, *, session: Session) -> QueueCounts:
    awaiting = (col(Handoff.status) == ACCEPTED) & col(Handoff.first_touch).is_(None)
    query = select(count_if(col(Handoff.status) == PENDING), count_if(awaiting)).where(
        Handoff.owner_id == owner_id, col(Handoff.status).in_([PENDING, ACCEPTED])
    )
    pending, touch = session.exec(query).one()
    return QueueCounts(int(pending), int(touch))


def pending_of(owner_id: str, *, session: Session, limit: int) -> list[tuple[Handoff, Lead]]:
    """Pending hand-offs of one owner, the most urgent first."""
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(Handoff.owner_id == owner_id, Handoff.status == PENDING)
        .order_by(col(Handoff.due_at), col(Handoff.id))
        .limit(limit)
    )
    return [(h, lead) for h, lead in session.exec(query).all()]


def awaiting_touch_of(owner_id: str, *, session: Session, limit: int) -> list[TouchRow]:
    """Accepted hand-offs with no first touch yet, the longest accepted first (their
    deadline is `services.sla_clock.first_touch_due`)."""
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(
            Handoff.owner_id == owner_id,
            Handoff.status == ACCEPTED,
            col(Handoff.first_touch).is_(None),
        )
        .order_by(col(Handoff.decided_at), col(Handoff.id))
        .limit(limit)
    )
    return [TouchRow(h, lead) for h, lead in session.exec(query).all()]


# -- a team (or everyone) today ---------------------------------------------------------------


def team_counts(
    teams: Sequence[str] | None, now: datetime, *, session: Session
) -> list[TeamCounts]:
    """Pending and breached (pending past its deadline) hand-offs, per owner's team."""
    query = _owned_by_teams(
        select(Person.team, func.count(), count_if(col(Handoff.due_at) < now)), teams
    )
    query = query.where(Handoff.status == PENDING).group_by(Person.team).order_by(Person.team)
    return [TeamCounts(t, int(p), int(b)) for t, p, b in session.exec(query).all()]


def breached(
    teams: Sequence[str] | None, now: datetime, *, session: Session, limit: int
) -> list[BreachedRow]:
    """Pending hand-offs past their deadline, the longest overdue first."""
    query = _owned_by_teams(
        select(Handoff, Lead, Person).join(Lead, col(Lead.id) == col(Handoff.lead_id)), teams
    )
    query = (
        query.where(Handoff.status == PENDING, col(Handoff.due_at) < now)
        .order_by(col(Handoff.due_at), col(Handoff.id))
        .limit(limit)
    )
    return [BreachedRow(h, lead, p) for h, lead, p in session.exec(query).all()]


def decisions_since(
    teams: Sequence[str] | None, since: datetime, *, session: Session
) -> dict[str, int]:
    """Accepted / rejected / handed back since `since`, by status. Rejected means on quality,
    as in the reports; wrong-owner rejects (routing errors) are counted under WRONG_OWNER."""
    routing_error = col(Handoff.routing_error)
    query = _owned_by_teams(select(Handoff.status, routing_error, func.count()), teams)
    query = query.where(_decided(), col(Handoff.decided_at) >= since).group_by(
        Handoff.status, routing_error
    )
    found: dict[str, int] = {}
    for status, wrong, n in session.exec(query).all():
        key = WRONG_OWNER if status == REJECTED and wrong else status
        found[key] = found.get(key, 0) + int(n)
    return found


def slowest_responders(
    teams: Sequence[str] | None, since: datetime, *, session: Session, limit: int
) -> list[Responder]:
    """Median time to decision per owner for decisions since `since`, slowest first.

    The median is taken in SQL with window functions (portable to SQLite): the middle
    row, or the mean of the two middle rows, of each owner's ordered times
    (`storage.aggregates.median_rows`)."""
    dialect = session.get_bind().dialect.name
    seconds = seconds_between(
        col(Handoff.created_at), col(Handoff.decided_at), dialect=dialect
    ).label("seconds")
    decided = _owned_by_teams(select(Handoff.owner_id, seconds), teams).where(
        _decided(), col(Handoff.decided_at) >= since
    )
    ranked, middle = median_rows(decided.subquery(), "owner_id", "seconds")
    median = func.avg(ranked.c.seconds).label("median")
    owner = aliased(Person)
    query = (
        select(ranked.c.owner_id, owner.name, median, func.max(ranked.c.n))
        .join(owner, col(owner.slack_id) == ranked.c.owner_id)
        .where(middle)
        .group_by(ranked.c.owner_id, owner.name)
        .order_by(median.desc(), ranked.c.owner_id)
        .limit(limit)
    )
    return [
        Responder(slack_id, name, float(med or 0), int(n))
        for slack_id, name, med, n in session.exec(query).all()
    ]


# -- marketing ---------------------------------------------------------------------------


def _campaign_key() -> Any:
    return func.coalesce(Lead.campaign, literal(NO_CAMPAIGN)).label("campaign")


def _by_campaign(since: datetime, *columns: Any) -> Any:
    """`columns` over the hand-offs created since `since` (the created_at index). Statuses
    are picked inside the aggregates, so the planner does not prefer the status index."""
    return (
        select(*columns)
        .select_from(Handoff)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(col(Handoff.created_at) >= since)
    )


def campaign_counts(since: datetime, *, session: Session, limit: int) -> list[CampaignCounts]:
    """Hand-offs created since `since`, by campaign and outcome, the busiest first.
    Reassigned and expired hand-offs are left out: the lead counts once, where it ended."""
    campaign = _campaign_key()
    counts = [count_if(_ended_as(s)) for s in COUNTED]
    total = count_if(_counted())
    query = (
        _by_campaign(since, campaign, *counts)
        .group_by(campaign)
        .having(total > 0)
        .order_by(total.desc(), campaign)
        .limit(limit)
    )
    return [
        CampaignCounts(str(c), int(a), int(r), int(h), int(p))
        for c, a, r, h, p in session.exec(query).all()
    ]


def _ended_as(status: str) -> Any:
    """The hand-off ended as `status`; rejected means on quality, as in the reports: a
    wrong-owner reject passed the lead on, and it counts where it ended."""
    if status == REJECTED:
        return and_(col(Handoff.status) == REJECTED, col(Handoff.routing_error).is_(False))
    return col(Handoff.status) == status


def _counted() -> Any:
    return and_(
        col(Handoff.status).in_(COUNTED), _ended_as(REJECTED) | (Handoff.status != REJECTED)
    )


def campaign_total(since: datetime, *, session: Session) -> int:
    """How many campaigns had hand-offs since `since` (for "and N more")."""
    counted = case((_counted(), _campaign_key()))
    query = _by_campaign(since, func.count(func.distinct(counted)))
    return int(session.exec(query).one())


def top_reasons(
    since: datetime, campaigns: Sequence[str], *, session: Session, per_campaign: int
) -> list[ReasonCount]:
    """The most given reject / hand-back reasons of each campaign, most frequent first."""
    if not campaigns:
        return []
    campaign = _campaign_key()
    label = col(Handoff.reason_label).label("label")
    n = count_if(_ended_as(REJECTED) | (col(Handoff.status) == HANDED_BACK))
    grouped = (
        _by_campaign(since, campaign, label, n.label("n"))
        .where(col(Handoff.reason_label).is_not(None), campaign.in_(list(campaigns)))
        .group_by(campaign, Handoff.reason_label)
        .having(n > 0)
        .subquery()
    )
    rank = (
        func.row_number()
        .over(partition_by=grouped.c.campaign, order_by=(grouped.c.n.desc(), grouped.c.label))
        .label("rank")
    )
    ranked = select(grouped.c.campaign, grouped.c.label, grouped.c.n, rank).subquery()
    query = (
        select(ranked.c.campaign, ranked.c.label, ranked.c.n)
        .where(ranked.c.rank <= literal(per_campaign, Integer))
        .order_by(ranked.c.campaign, ranked.c.rank)
    )
    return [ReasonCount(str(c), str(label), int(k)) for c, label, k in session.exec(query).all()]


def latest_decisions(*, session: Session, limit: int) -> list[DecisionRow]:
    """The most recent decisions, with the owner's and the decider's names."""
    owner, decider = aliased(Person), aliased(Person)
    query = (
        select(Handoff, Lead, owner.name, decider.name)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .outerjoin(owner, col(owner.slack_id) == col(Handoff.owner_id))
        .outerjoin(decider, col(decider.slack_id) == col(Handoff.decided_by))
        .where(_decided(), col(Handoff.decided_at).is_not(None))
        .order_by(col(Handoff.decided_at).desc(), col(Handoff.id).desc())
        .limit(limit)
    )
    return [DecisionRow(h, lead, o, d) for h, lead, o, d in session.exec(query).all()]


def failed_outbox_count(*, session: Session) -> int:
    """Slack calls that ended `failed` (index on status): admins are told on Home. Outside
    destinations are listed apart (storage/sync_status.failing_destinations)."""
    query = (
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.status == OUT_FAILED, Outbox.lane == LANE_SLACK)
    )
    return int(session.exec(query).one())
