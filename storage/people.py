"""Person rows: seeded from the config, runtime settings kept here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select

from storage.models import (
    ACCEPTED,
    FOLLOW_UP,
    FOLLOW_UP_ESCALATE,
    MEETING_PENDING,
    MEETING_REMIND,
    PENDING,
    TIMER_PENDING,
    Handoff,
    Meeting,
    Person,
    RoutingCursor,
    Timer,
)


@dataclass(frozen=True)
class PersonSeed:
    slack_id: str
    name: str
    email: str
    role: str
    team: str | None
    tz: str | None = None
    away_until: date | None = None
    capacity_per_day: int | None = None
    weight: float = 1.0
    ramp_start: date | None = None
    ramp_weeks: int | None = None


def sync_people(seeds: Iterable[PersonSeed], *, session: Session) -> None:
    """Make the table match the roster; people removed from it become inactive."""
    existing = {p.slack_id: p for p in session.exec(select(Person)).all()}
    seen = set()
    for position, seed in enumerate(seeds):
        seen.add(seed.slack_id)
        person = existing.get(seed.slack_id) or Person(
            slack_id=seed.slack_id, name=seed.name, email=seed.email, role=seed.role
        )
        person.name, person.email, person.role = seed.name, seed.email, seed.role
        person.team, person.position, person.active = seed.team, position, True
        person.weight, person.ramp_start, person.ramp_weeks = (
            seed.weight,
            seed.ramp_start,
            seed.ramp_weeks,
        )
        if seed.tz:
            person.tz = seed.tz
        if not person.settings_from_slack:
            person.away_until = seed.away_until
            person.capacity_per_day = seed.capacity_per_day
        session.add(person)
    for slack_id, person in existing.items():
        if slack_id not in seen and person.active:
            person.active = False
            session.add(person)


def slack_ids_by_email(emails: Iterable[str], *, session: Session) -> dict[str, str]:
    """The Slack ID last stored for each email (casefolded), active people first: what
    Slack answered at an earlier start, for a start when Slack cannot be asked."""
    wanted = {e.casefold() for e in emails}
    if not wanted:
        return {}
    query = select(Person).where(func.lower(Person.email).in_(sorted(wanted)))
    found: dict[str, str] = {}
    for person in sorted(session.exec(query).all(), key=lambda p: not p.active):
        found.setdefault(person.email.casefold(), person.slack_id)
    return found


def get_person(slack_id: str, *, session: Session) -> Person | None:
    return session.get(Person, slack_id)


def active_people(*, session: Session) -> list[Person]:
    query = select(Person).where(col(Person.active)).order_by(col(Person.position))
    return list(session.exec(query).all())


def handoff_counts_since(
    since: datetime, *, session: Session, owners: Collection[str] | None = None
) -> dict[str, int]:
    """How many hand-offs each person (of `owners`, when given) received since `since`
    (for daily capacity). With `owners`, an index range scan per owner."""
    query = (
        select(Handoff.owner_id, func.count())
        .where(col(Handoff.created_at) >= since)
        .group_by(Handoff.owner_id)
    )
    if owners is not None:
        if not owners:
            return {}
        query = query.where(col(Handoff.owner_id).in_(list(owners)))
    return {owner: count for owner, count in session.exec(query).all()}


def set_tz(slack_id: str, tz: str, *, session: Session) -> bool:
    """True when the stored time zone changed."""
    person = session.get(Person, slack_id)
    if person is None or person.tz == tz:
        return False
    person.tz = tz
    session.add(person)
    session.flush()
    return True


def set_away(slack_id: str, until: date | None, *, session: Session) -> Person | None:
    """Away until a date (None: back); either way any timed absence is over."""
    person = session.get(Person, slack_id)
    if person is not None:
        person.away_until = until
        person.away_from = person.away_to = None
        person.settings_from_slack = True
        session.add(person)
    return person


def set_capacity(slack_id: str, capacity: int | None, *, session: Session) -> Person | None:
    person = session.get(Person, slack_id)
    if person is not None:
        person.capacity_per_day = capacity
        person.settings_from_slack = True
        session.add(person)
    return person


def lock_cursor(team: str, role: str, *, session: Session) -> RoutingCursor:
    """The round-robin cursor, locked for this transaction (created if missing)."""
    query = (
        select(RoutingCursor)
        .where(RoutingCursor.team == team, RoutingCursor.role == role)
        .with_for_update()
    )
    cursor = session.exec(query).first()
    if cursor is None:
        cursor = RoutingCursor(team=team, role=role)
        session.add(cursor)
        session.flush()
    return cursor


def set_deactivated(slack_id: str, deactivated: bool, *, session: Session) -> bool:
    """Slack's `deleted` flag for a person; True when it changed."""
    person = session.get(Person, slack_id)
    if person is None or person.deactivated == deactivated:
        return False
    person.deactivated = deactivated
    session.add(person)
    session.flush()
    return True


def _departed() -> Any:
    """A WHERE clause: the person has left (off the roster, or deactivated in Slack)."""
    return or_(col(Person.active).is_(False), col(Person.deactivated).is_(True))


def departed_pending(*, session: Session, limit: int) -> list[tuple[Handoff, Person]]:
    """Pending hand-offs whose owner has left: off the roster, or deactivated in Slack."""
    query = (
        select(Handoff, Person)
        .join(Person, col(Person.slack_id) == col(Handoff.owner_id))
        .where(
            col(Handoff.status) == PENDING,
            _departed(),
        )
        .order_by(col(Handoff.id))
        .limit(limit)
    )
    return [(h, p) for h, p in session.exec(query).all()]


def departed_following_up(*, session: Session, limit: int) -> list[tuple[Handoff, Person]]:
    """Accepted hand-offs whose owner has left before logging a first touch, while their
    follow-up clock still runs (a follow-up timer pending)."""
    clock_runs = exists().where(
        col(Timer.handoff_id) == col(Handoff.id),
        col(Timer.status) == TIMER_PENDING,
        col(Timer.kind).in_([FOLLOW_UP, FOLLOW_UP_ESCALATE]),
    )
    query = (
        select(Handoff, Person)
        .join(Person, col(Person.slack_id) == col(Handoff.owner_id))
        .where(
            col(Handoff.status) == ACCEPTED,
            col(Handoff.first_touch).is_(None),
            _departed(),
            clock_runs,
        )
        .order_by(col(Handoff.id))
        .limit(limit)
    )
    return [(h, p) for h, p in session.exec(query).all()]


def departed_meetings(*, session: Session, limit: int) -> list[tuple[Meeting, Person]]:
    """Meetings waiting for the decision of an AE who has left, while the AE's reminder is
    still pending (so each is found once: handling it cancels that reminder)."""
    reminder_pending = exists().where(
        col(Timer.meeting_id) == col(Meeting.id),
        col(Timer.status) == TIMER_PENDING,
        col(Timer.kind) == MEETING_REMIND,
    )
    query = (
        select(Meeting, Person)
        .join(Person, col(Person.slack_id) == col(Meeting.ae_id))
        .where(
            col(Meeting.status) == MEETING_PENDING,
            _departed(),
            reminder_pending,
        )
        .order_by(col(Meeting.id))
        .limit(limit)
    )
    return [(m, p) for m, p in session.exec(query).all()]
