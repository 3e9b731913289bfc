"""Minutes from hand-off to decision and from Accept to the first touch, as spreads
(count and percentiles): the timing figures of `summary`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, null, select, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.aggregates import Spread, minutes_between, percentile_columns, rounded, spread
from storage.models import ACCEPTED, DECIDED, Handoff
from storage.reports.window import Window, in_window


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
    where = [*in_window(window), col(Handoff.status).in_(DECIDED)]
    created, decided = col(Handoff.created_at), col(Handoff.decided_at)
    touched = col(Handoff.first_touch_at)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        accepted = [*where, col(Handoff.status) == ACCEPTED]
        return Durations(
            _percentile_cont(session, created, decided, where, fractions, by_owner),
            _percentile_cont(session, decided, touched, accepted, fractions, False),
        )
    to_touch = case(
        (col(Handoff.status) == ACCEPTED, minutes_between(decided, touched, dialect=dialect))
    )
    query = select(
        col(Handoff.owner_id), minutes_between(created, decided, dialect=dialect), to_touch
    ).where(*where, decided.is_not(None))
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
    decision = {key: spread(values, fractions) for key, values in each.items()}
    if everyone:
        decision[None] = spread(everyone, fractions)
    return Durations(decision, {None: spread(touches, fractions)} if touches else {})


def decision_minutes(
    window: Window, *, session: Session, fractions: Sequence[float], by_owner: bool = False
) -> dict[str | None, Spread]:
    return durations(window, session=session, fractions=fractions, by_owner=by_owner).decision


def _percentile_cont(
    session: Session,
    start: Any,
    end: Any,
    where: list[ColumnElement[bool]],
    fractions: Sequence[float],
    by_owner: bool,
) -> dict[str | None, Spread]:
    owner = col(Handoff.owner_id)
    minutes = minutes_between(start, end, dialect="postgresql")
    query = select(
        owner if by_owner else null(),
        func.count(),
        *percentile_columns(minutes, fractions),
    ).where(*where, end.is_not(None))
    if by_owner:
        query = query.group_by(func.grouping_sets(tuple_(owner), tuple_()))
    found = {}
    for key, count, *values in session.execute(query).all():
        if count:
            found[key] = Spread(count, tuple(rounded(v) for v in values))
    return found
