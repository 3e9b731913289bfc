"""Away, properly: timed absences and Slack statuses on the `person` row, and the pending
hand-offs an absence would strand with their deadlines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models import PENDING, TIMER_PENDING, Handoff, Person, Timer


def set_away_window(
    slack_id: str, start: datetime, end: datetime, *, session: Session
) -> Person | None:
    """A timed absence (UTC); it replaces an away date."""
    person = session.get(Person, slack_id)
    if person is not None:
        person.away_from, person.away_to, person.away_until = start, end, None
        person.settings_from_slack = True
        session.add(person)
        session.flush()
    return person


def set_status(slack_id: str, away: bool, text: str | None, *, session: Session) -> bool:
    """Store what the Slack status says; True only for the one writer that changed
    `status_away` (a compare-and-set, so two readers of the same change act once)."""
    shown = (text or "")[:200] or None if away else None
    changed = session.execute(
        update(Person)
        .where(col(Person.slack_id) == slack_id, col(Person.status_away) != away)
        .values(status_away=away, status_text=shown)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        session.execute(
            update(Person).where(col(Person.slack_id) == slack_id).values(status_text=shown)
        )
    return bool(changed)


def in_timed_absence(now: datetime, *, session: Session) -> list[Person]:
    """Active people whose timed absence covers `now`."""
    query = (
        select(Person)
        .where(col(Person.active), col(Person.away_to) > now)
        .where(or_(col(Person.away_from).is_(None), col(Person.away_from) <= now))
        .order_by(col(Person.position))
    )
    return list(session.exec(query).all())


def pending_of(owner: str, *, session: Session, before: datetime | None = None) -> list[Handoff]:
    """The owner's pending hand-offs (created before `before`, when given), oldest first."""
    query = select(Handoff).where(Handoff.owner_id == owner, Handoff.status == PENDING)
    if before is not None:
        query = query.where(col(Handoff.created_at) <= before)
    return list(session.exec(query.order_by(col(Handoff.id))).all())


def deadlines(
    handoff_ids: list[int], kinds: tuple[str, ...], *, session: Session
) -> dict[int, datetime]:
    """Each hand-off's earliest pending timer of `kinds`."""
    if not handoff_ids:
        return {}
    query = select(Timer.handoff_id, Timer.due_at).where(
        col(Timer.handoff_id).in_(handoff_ids),
        col(Timer.kind).in_(kinds),
        Timer.status == TIMER_PENDING,
    )
    found: dict[int, datetime] = {}
    for handoff_id, due in session.exec(query).all():
        if handoff_id not in found or due < found[handoff_id]:
            found[handoff_id] = due
    return found
