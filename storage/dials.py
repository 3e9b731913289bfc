"""Dials on `person` rows: set one, clear one, and the ones whose last day has passed.
Clearing an expired dial is a compare-and-set on the dial as read, so of two instances
expiring it at once only one clears it (and tells the person)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Person


@dataclass(frozen=True)
class DialRow:
    slack_id: str
    tz: str | None
    weight: float  # the roster weight the person goes back to
    dial_weight: float
    dial_until: date
    dial_by: str | None


def set_dial(
    slack_id: str, weight: float | None, until: date | None, by: str | None, *, session: Session
) -> Person | None:
    """Set (or, `weight` None, clear) the person's dial; None: no such person."""
    person = session.get(Person, slack_id)
    if person is not None:
        person.dial_weight = weight
        person.dial_until = until if weight is not None else None
        person.dial_by = by if weight is not None else None
        session.add(person)
        session.flush()
    return person


def dials_ending_before(day: date, *, session: Session, limit: int = 500) -> list[DialRow]:
    """Dials whose last day is before `day` (each person's own day is decided by the
    caller: pass the latest day anyone can be on)."""
    query = (
        select(Person)
        .where(col(Person.dial_weight).is_not(None), col(Person.dial_until) < day)
        .order_by(col(Person.dial_until), col(Person.slack_id))
        .limit(limit)
    )
    return [
        DialRow(p.slack_id, p.tz, p.weight, p.dial_weight or 0.0, p.dial_until, p.dial_by)
        for p in session.exec(query).all()
        if p.dial_until is not None
    ]


def clear_if_unchanged(row: DialRow, *, session: Session) -> bool:
    """Clear the dial only if it is still the one read; True: this caller cleared it."""
    result = session.execute(
        update(Person)
        .where(
            col(Person.slack_id) == row.slack_id,
            col(Person.dial_weight) == row.dial_weight,
            col(Person.dial_until) == row.dial_until,
        )
        .values(dial_weight=None, dial_until=None, dial_by=None)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def people_of_teams(teams: Collection[str] | None, *, session: Session) -> list[Person]:
    """Active people of `teams` (None: everyone), in roster order."""
    query = select(Person).where(col(Person.active)).order_by(col(Person.position))
    if teams is not None:
        if not teams:
            return []
        query = query.where(col(Person.team).in_(list(teams)))
    return list(session.exec(query).all())
