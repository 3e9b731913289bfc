"""Report queries, aggregated in the database: GROUP BY with COUNT(CASE …), percentiles with
`percentile_cont` on PostgreSQL. Python only sees aggregated rows (a handful per rep,
campaign or reason), never whole hand-offs; on SQLite, which has no percentile function, it
reads narrow columns of durations (see `durations`).

Every query takes a `Window`: hand-offs (or leads) created in [since, until), and `owners`,
the Slack IDs whose hand-offs count (None: everyone's). Indexes that serve them:
handoff(created_at), handoff(owner_id, created_at), handoff(status, due_at) and
lead(created_at, campaign, status).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Text, and_, case, cast, extract, func, null, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.models import (
    ACCEPTED,
    DECIDED,
    HANDED_BACK,
    LEAD_NURTURE,
    PENDING,
    REASSIGNED,
    REJECTED,
    Event,
    Handoff,
    Lead,
)

GroupBy = Literal["owner", "campaign"] | None


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    owners: frozenset[str] | None = None  # None: everyone's hand-offs


@dataclass(frozen=True)
class Outcomes:
    """What became of the hand-offs created in the window."""

    key: str | None  # the owner's Slack ID or the campaign; None when not grouped
    total: int
    accepted: int
    rejected: int  # rejected on quality: routing errors are counted apart
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


@dataclass(frozen=True)
class Spread:
    """Durations in minutes: how many, and one value per asked fraction (None: no data)."""

    count: int
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class SignalTally:
    signals: tuple[str, ...]
    status: str
    routing_error: bool
    code: str | None
    label: str | None
    count: int


def _in_window(window: Window, created: Any = None) -> list[ColumnElement[bool]]:
    created = col(Handoff.created_at) if created is None else created
    where = [created >= window.since, created < window.until]
    if window.owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(window.owners)))
    return where


def _key(by: GroupBy) -> Any:
    return {"owner": col(Handoff.owner_id), "campaign": col(Lead.campaign)}.get(by or "")


def outcomes(
    window: Window, *, session: Session, now: datetime, by: GroupBy = None
) -> list[Outcomes]:
    """Hand-offs created in the window by outcome: one row, or one per owner or campaign."""
    status, due, decided = col(Handoff.status), col(Handoff.due_at), col(Handoff.decided_at)
    routing_error = col(Handoff.routing_error)

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.count(case((condition, 1)))

    breached = or_(and_(status == PENDING, due < now), and_(decided.is_not(None), decided > due))
    key = _key(by)
    columns = [
        func.count(),
        tally(status == ACCEPTED),
        tally(and_(status == REJECTED, routing_error.is_(False))),
        tally(and_(status == REJECTED, routing_error.is_(True))),
        tally(status == HANDED_BACK),
        tally(status == REASSIGNED),
        tally(status == PENDING),
        tally(breached),
    ]
    query = select(*([key] if key is not None else []), *columns).where(*_in_window(window))
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
        select(campaign, func.count(), func.count(case((col(Lead.status) == LEAD_NURTURE, 1))))
        .where(col(Lead.created_at) >= window.since, col(Lead.created_at) < window.until)
        .group_by(campaign)
    )
    return [LeadTally(*row) for row in session.execute(query).all()]


def reasons(window: Window, *, session: Session, by_campaign: bool = False) -> list[ReasonTally]:
    """Reject and hand-back reasons of the hand-offs created in the window, most given first."""
    status, code = col(Handoff.status), col(Handoff.reason_code)
    keys: list[Any] = [status, code, col(Handoff.routing_error)]
    if by_campaign:
        keys.append(col(Lead.campaign))
    count = func.count()
    query = (
        select(*keys[:2], func.max(col(Handoff.reason_label)), *keys[2:], count)
        .where(*_in_window(window), status.in_((REJECTED, HANDED_BACK)))
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


@dataclass(frozen=True)
class Durations:
    """Spreads by owner (None: everyone) of the minutes to a decision and to a first touch."""

    decision: dict[str | None, Spread]
    first_touch: dict[str | None, Spread]


def durations(
    window: Window, *, session: Session, fractions: Sequence[float], by_owner: bool = False
) -> Durations:
    """Minutes from hand-off to Accept / Reject / Hand back, and from Accept to the first
    touch (contacted, meeting, disqualified), at each fraction (0.5: the median); everyone's
    under the key None, and each owner's decisions too when `by_owner`.

    PostgreSQL: percentile_cont, with GROUPING SETS for everyone and each owner in one pass.
    SQLite has no percentile function: one query reads the narrow (owner, minutes to
    decision, minutes to first touch) triples of the decided hand-offs, which are sorted in
    C (`list.sort`) and picked at each position with percentile_cont's linear interpolation.
    Window functions (row_number per partition) did this in SQL but took about three times
    as long on 100,000 leads; ORDER BY in SQL, twice as long as list.sort.
    """
    in_window = [*_in_window(window), col(Handoff.status).in_(DECIDED)]
    created, decided = col(Handoff.created_at), col(Handoff.decided_at)
    touched = col(Handoff.first_touch_at)
    if session.get_bind().dialect.name == "postgresql":
        accepted = [*in_window, col(Handoff.status) == ACCEPTED]
        return Durations(
            _percentile_cont(session, created, decided, in_window, fractions, by_owner),
            _percentile_cont(session, decided, touched, accepted, fractions, False),
        )
    to_touch = case((col(Handoff.status) == ACCEPTED, _sqlite_minutes(decided, touched)))
    query = select(col(Handoff.owner_id), _sqlite_minutes(created, decided), to_touch).where(
        *in_window, decided.is_not(None)
    )
    everyone: list[float] = []
    touches: list[float] = []
    each: dict[str | None, list[float]] = {}
    # Core rows through the session's connection: the ORM result layer costs more than the
    # query itself on tens of thousands of rows.
    for owner, to_decision, to_touch in session.connection().execute(query).all():
        everyone.append(to_decision)
        if to_touch is not None:
            touches.append(to_touch)
        if by_owner:
            each.setdefault(owner, []).append(to_decision)
    decision = {key: _spread(values, fractions) for key, values in each.items()}
    if everyone:
        decision[None] = _spread(everyone, fractions)
    return Durations(decision, {None: _spread(touches, fractions)} if touches else {})


def owner_figures(
    window: Window, *, session: Session, now: datetime, fractions: Sequence[float]
) -> tuple[list[Outcomes], Durations]:
    """`outcomes(by="owner")` and `durations(by_owner=True)` together, as the summary wants.

    PostgreSQL: those two queries. SQLite: one pass over the window's hand-offs instead of
    two: a narrow (owner, status, routing error, breached, minutes to decision, minutes to
    first touch) row each, counted in C (`Counter`) and sorted for the percentiles as in
    `durations`. The same numbers; it also spares the GROUP BY owner_id, which SQLite
    serves with a skip-scan of handoff(owner_id, created_at) and a table lookup per row in
    no useful order."""
    if session.get_bind().dialect.name != "sqlite":
        found = outcomes(window, session=session, now=now, by="owner")
        return found, durations(window, session=session, fractions=fractions, by_owner=True)
    status, due, decided = col(Handoff.status), col(Handoff.due_at), col(Handoff.decided_at)
    created, touched = col(Handoff.created_at), col(Handoff.first_touch_at)
    breached = or_(and_(status == PENDING, due < now), and_(decided.is_not(None), decided > due))
    is_decided = and_(status.in_(DECIDED), decided.is_not(None))
    query = select(
        col(Handoff.owner_id),
        status,
        col(Handoff.routing_error),
        case((breached, 1), else_=0),
        case((is_decided, _sqlite_minutes(created, decided))),
        case((and_(is_decided, status == ACCEPTED), _sqlite_minutes(decided, touched))),
    ).where(*_in_window(window))
    # The driver's plain tuples: SQLAlchemy's Row objects would cost more than the query on
    # ~100,000 rows, and no column needs a result processor (routing_error stays 0 / 1).
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    tally = Counter([row[:4] for row in rows])
    per_owner: dict[str, list[int]] = {}
    for (owner, status_, routing_error, breached_), count in tally.items():
        c = per_owner.setdefault(owner, [0] * 8)
        c[0] += count
        if status_ == ACCEPTED:
            c[1] += count
        elif status_ == REJECTED and routing_error == 0:
            c[2] += count
        elif status_ == REJECTED and routing_error == 1:
            c[3] += count
        elif status_ == HANDED_BACK:
            c[4] += count
        elif status_ == REASSIGNED:
            c[5] += count
        elif status_ == PENDING:
            c[6] += count
        c[7] += count * breached_
    everyone: list[float] = []
    touches: list[float] = []
    each: dict[str | None, list[float]] = {}
    for owner, _, _, _, to_decision, to_touch in rows:
        if to_decision is not None:
            everyone.append(to_decision)
            each.setdefault(owner, []).append(to_decision)
        if to_touch is not None:
            touches.append(to_touch)
    decision = {key: _spread(values, fractions) for key, values in each.items()}
    if everyone:
        decision[None] = _spread(everyone, fractions)
    first_touch = {None: _spread(touches, fractions)} if touches else {}
    found = [Outcomes(owner, *c) for owner, c in per_owner.items()]
    return found, Durations(decision, first_touch)


def _sqlite_minutes(start: Any, end: Any) -> Any:
    """unixepoch() (SQLite 3.38+) parses a stored datetime faster than julianday()."""
    if sqlite3.sqlite_version_info >= (3, 38):
        return (func.unixepoch(end) - func.unixepoch(start)) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def decision_minutes(
    window: Window, *, session: Session, fractions: Sequence[float], by_owner: bool = False
) -> dict[str | None, Spread]:
    return durations(window, session=session, fractions=fractions, by_owner=by_owner).decision


def first_touch_minutes(
    window: Window, *, session: Session, fractions: Sequence[float]
) -> dict[str | None, Spread]:
    return durations(window, session=session, fractions=fractions).first_touch


def _percentile_cont(
    session: Session,
    start: Any,
    end: Any,
    where: list[ColumnElement[bool]],
    fractions: Sequence[float],
    by_owner: bool,
) -> dict[str | None, Spread]:
    owner = col(Handoff.owner_id)
    minutes = extract("epoch", end - start) / 60.0
    query = select(
        owner if by_owner else null(),
        func.count(),
        *(func.percentile_cont(p).within_group(minutes) for p in fractions),
    ).where(*where, end.is_not(None))
    if by_owner:
        query = query.group_by(func.grouping_sets(tuple_(owner), tuple_()))
    found = {}
    for key, count, *values in session.execute(query).all():
        if count:
            found[key] = Spread(count, tuple(_rounded(v) for v in values))
    return found


def _spread(values: list[float], fractions: Sequence[float]) -> Spread:
    ordered = sorted(values)
    n = len(ordered)
    values = []
    for p in fractions:
        position = p * (n - 1)
        lo = math.floor(position)
        hi = min(lo + 1, n - 1)
        values.append(_rounded(ordered[lo] + (position - lo) * (ordered[hi] - ordered[lo])))
    return Spread(n, tuple(values))


def _rounded(minutes: Any) -> float | None:
    """To a millisecond or so: julianday() arithmetic leaves noise in the last digits."""
    return None if minutes is None else round(float(minutes), 5)


def overdue_pending(
    *, session: Session, now: datetime, owners: frozenset[str] | None, limit: int
) -> tuple[list[tuple[Handoff, Lead]], int]:
    """Pending hand-offs past their deadline, longest overdue first (at most `limit`), and
    how many there are in all."""
    where = [col(Handoff.status) == PENDING, col(Handoff.due_at) < now]
    if owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(owners)))
    total = session.execute(select(func.count()).select_from(Handoff).where(*where)).scalar_one()
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(*where)
        .order_by(col(Handoff.due_at), col(Handoff.id))
        .limit(limit)
    )
    return [(h, lead) for h, lead in session.execute(query).all()], int(total)


def signal_outcomes(window: Window, *, session: Session) -> list[SignalTally]:
    """Decided hand-offs grouped by the set of contract signals they matched.

    `Handoff.signals` is a JSON list. Rather than JSON operators (jsonb `?` on PostgreSQL,
    json_each on SQLite), the query groups by the column's text, which is the same on both
    backends: the combinations are few (subsets of the contract's signals, always written
    in the contract's order), so Python parses one row per combination, status and reason.
    """
    signals = cast(col(Handoff.signals), Text)
    status, code = col(Handoff.status), col(Handoff.reason_code)
    routing_error = col(Handoff.routing_error)
    query = (
        select(
            signals, status, routing_error, code, func.max(col(Handoff.reason_label)), func.count()
        )
        .where(*_in_window(window), status.in_(DECIDED))
        .group_by(signals, status, routing_error, code)
    )
    found = []
    for text, status_, routing_error_, code_, label, count in session.execute(query).all():
        names = json.loads(text) if text else None
        found.append(
            SignalTally(tuple(names or ()), status_, bool(routing_error_), code_, label, count)
        )
    return found


@dataclass(frozen=True)
class LeadHistory:
    lead: Lead
    handoffs: tuple[Handoff, ...]
    events: tuple[Event, ...]


def lead_histories(email: str, *, session: Session) -> list[LeadHistory]:
    """Every lead with this email address (one per source), its hand-offs and its events in
    order: three indexed queries whatever the number of leads."""
    wanted = email.strip().lower()
    leads = list(
        session.scalars(select(Lead).where(col(Lead.email) == wanted).order_by(col(Lead.id)))
    )
    ids = [lead.id for lead in leads]
    if not ids:
        return []
    handoffs = session.scalars(
        select(Handoff).where(col(Handoff.lead_id).in_(ids)).order_by(col(Handoff.id))
    ).all()
    lead_of = {h.id: h.lead_id for h in handoffs}
    linked = col(Event.lead_id).in_(ids)
    if lead_of:  # a few events (a failed delivery) name only their hand-off
        linked = or_(linked, col(Event.handoff_id).in_(sorted(lead_of)))
    events = session.scalars(
        select(Event).where(linked).order_by(col(Event.at), col(Event.id))
    ).all()
    return [
        LeadHistory(
            lead,
            tuple(h for h in handoffs if h.lead_id == lead.id),
            tuple(e for e in events if (e.lead_id or lead_of.get(e.handoff_id)) == lead.id),
        )
        for lead in leads
    ]
