"""The summary's row per rep: `outcomes(by="owner")` and `durations(by_owner=True)` at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, select
from sqlmodel import Session, col

from storage.aggregates import minutes_between, spread
from storage.disputes import not_overturned
from storage.models import ACCEPTED, DECIDED, HANDED_BACK, PENDING, REASSIGNED, REJECTED, Handoff
from storage.reports.tallies import Outcomes, outcomes
from storage.reports.timings import Durations, durations
from storage.reports.window import Window, breached, in_window


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
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite":
        found = outcomes(window, session=session, now=now, by="owner")
        return found, durations(window, session=session, fractions=fractions, by_owner=True)
    status, decided = col(Handoff.status), col(Handoff.decided_at)
    created, touched = col(Handoff.created_at), col(Handoff.first_touch_at)
    is_decided = and_(status.in_(DECIDED), decided.is_not(None))
    # 1: a routing error; 0: a decision on quality; 2: overturned on dispute (neither)
    error = case((col(Handoff.routing_error).is_(True), 1), (not_overturned(), 0), else_=2)
    query = select(
        col(Handoff.owner_id),
        status,
        error,
        case((breached(now), 1), else_=0),
        case((is_decided, minutes_between(created, decided, dialect=dialect))),
        case(
            (
                and_(is_decided, status == ACCEPTED),
                minutes_between(decided, touched, dialect=dialect),
            )
        ),
    ).where(*in_window(window))
    # The driver's plain tuples: SQLAlchemy's Row objects would cost more than the query on
    # ~100,000 rows, and no column needs a result processor (routing_error stays 0 / 1).
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    per_owner = _tally(Counter([row[:4] for row in rows]))
    everyone: list[float] = []
    touches: list[float] = []
    each: dict[str | None, list[float]] = {}
    for owner, _, _, _, to_decision, to_touch in rows:
        if to_decision is not None:
            everyone.append(to_decision)
            each.setdefault(owner, []).append(to_decision)
        if to_touch is not None:
            touches.append(to_touch)
    decision = {key: spread(values, fractions) for key, values in each.items()}
    if everyone:
        decision[None] = spread(everyone, fractions)
    first_touch = {None: spread(touches, fractions)} if touches else {}
    found = [Outcomes(owner, *c) for owner, c in per_owner.items()]
    return found, Durations(decision, first_touch)


def _tally(tally: Counter) -> dict[str, list[int]]:
    """(owner, status, routing error, breached) counts into `Outcomes`' eight numbers."""
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
    return per_owner
