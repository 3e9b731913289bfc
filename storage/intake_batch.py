"""The queries of intake's bulk write of new leads (bot/intake/batch.py): SQLAlchemy Core
statements, one per table per batch, no ORM objects.

The rows are written with every column given (the model's defaults for the ones the
caller leaves out), exactly as the ORM writes a new object, so a lead stored through
either path reads back the same."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Select, Table, bindparam, case, func, insert, select, tuple_, update
from sqlmodel import Session, SQLModel

from storage.models import ACCEPTED, Event, Handoff, Lead, Outbox, Person, RoutingCursor, Timer


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


LEAD, HANDOFF, EVENT = _table(Lead), _table(Handoff), _table(Event)
OUTBOX, TIMER, PERSON, CURSOR = _table(Outbox), _table(Timer), _table(Person), _table(RoutingCursor)


def defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Every column of `model` but its id, with the value a new object has when not given one."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id":  # the database numbers the row
            continue
        out[name] = None if info.default is PydanticUndefined else info.default
    return out


LEAD_DEFAULTS, HANDOFF_DEFAULTS = defaults(Lead), defaults(Handoff)
EVENT_DEFAULTS, OUTBOX_DEFAULTS, TIMER_DEFAULTS = defaults(Event), defaults(Outbox), defaults(Timer)


def known_leads(keys: Collection[tuple[str, str]], *, session: Session) -> set[tuple[str, str]]:
    """Which of these (source, external_id) are stored already."""
    if not keys:
        return set()
    rows = session.connection().execute(_KNOWN, {"keys": list(keys)})
    return {(source, external_id) for source, external_id in rows}


_KNOWN = select(LEAD.c.source, LEAD.c.external_id).where(
    tuple_(LEAD.c.source, LEAD.c.external_id).in_(bindparam("keys", expanding=True))
)


@dataclass(frozen=True)
class PersonRow:
    slack_id: str
    email: str
    role: str
    team: str | None
    position: int
    active: bool
    tz: str | None
    away_until: date | None
    capacity_per_day: int | None
    weight: float
    ramp_start: date | None
    ramp_weeks: int | None
    dial_weight: float | None
    dial_until: date | None
    away_from: datetime | None
    away_to: datetime | None
    status_away: bool
    deactivated: bool


def people(*, session: Session) -> list[PersonRow]:
    """Everyone, active or not, in roster order (routing takes the active ones; a hand-off's
    calendar, anyone's time zone)."""
    return [PersonRow(*row) for row in session.connection().execute(_PEOPLE)]


_PEOPLE = select(
    *(PERSON.c[name] for name in PersonRow.__dataclass_fields__),
).order_by(PERSON.c.position)


@dataclass(frozen=True)
class CursorState:
    """Where a rotation stands: the last person chosen and everyone's pass."""

    last: str | None = None
    passes: dict[str, float] | None = None


def lock_cursors(
    keys: Collection[tuple[str, str]], *, session: Session
) -> dict[tuple[str, str], CursorState]:
    """The round-robin cursors of these (team, role), locked for this transaction; a
    missing one is absent from the answer (`save_cursors` creates it)."""
    if not keys:
        return {}
    rows = session.connection().execute(_CURSORS, {"keys": list(keys)})
    return {(team, role): CursorState(last, passes) for team, role, last, passes in rows}


_CURSORS = (
    select(CURSOR.c.team, CURSOR.c.role, CURSOR.c.last_slack_id, CURSOR.c.passes)
    .where(tuple_(CURSOR.c.team, CURSOR.c.role).in_(bindparam("keys", expanding=True)))
    .with_for_update()
)


def save_cursors(
    cursors: Mapping[tuple[str, str], CursorState],
    before: Mapping[tuple[str, str], CursorState],
    *,
    session: Session,
) -> None:
    """Store each cursor that moved (`before`: as `lock_cursors` read them); create the
    ones that did not exist."""
    conn = session.connection()
    new = [
        {"team": t, "role": r, "last_slack_id": v.last, "passes": v.passes}
        for (t, r), v in cursors.items()
        if (t, r) not in before
    ]
    if new:
        conn.execute(insert(CURSOR), new)
    c = CURSOR.c
    for (team, role), value in cursors.items():
        if (team, role) in before and before[(team, role)] != value:
            conn.execute(
                update(CURSOR)
                .where(c.team == team, c.role == role)
                .values(last_slack_id=value.last, passes=value.passes)
            )


@dataclass(frozen=True)
class LatestHandoff:
    owner_id: str
    created_at: datetime
    id: int
    accepted: bool = False  # the account's latest accepted hand-off (else its latest)


def latest_handoffs_by_domain(
    domains: Collection[str], *, session: Session
) -> dict[str, LatestHandoff]:
    """For each account domain (`Lead.account_domain`), the hand-off that makes its owner:
    the latest accepted one, else the latest (by creation, then id):
    `storage.leads.account_owner` for many accounts at once."""
    if not domains:
        return {}
    rows = session.connection().execute(_LATEST_BY_DOMAIN, {"domains": list(domains)})
    return {
        domain: LatestHandoff(owner, created, hid, status == ACCEPTED)
        for domain, owner, created, hid, status in rows
    }


def _latest_by_domain() -> Select[Any]:
    ranked = (
        select(
            LEAD.c.account_domain,
            HANDOFF.c.owner_id,
            HANDOFF.c.created_at,
            HANDOFF.c.id,
            HANDOFF.c.status,
            func.row_number()
            .over(
                partition_by=LEAD.c.account_domain,
                order_by=(
                    case((HANDOFF.c.status == ACCEPTED, 0), else_=1),
                    HANDOFF.c.created_at.desc(),
                    HANDOFF.c.id.desc(),
                ),
            )
            .label("rank"),
        )
        .join(LEAD, LEAD.c.id == HANDOFF.c.lead_id)
        .where(LEAD.c.account_domain.in_(bindparam("domains", expanding=True)))
        .subquery()
    )
    return select(
        ranked.c.account_domain,
        ranked.c.owner_id,
        ranked.c.created_at,
        ranked.c.id,
        ranked.c.status,
    ).where(ranked.c.rank == 1)


_LATEST_BY_DOMAIN = _latest_by_domain()


def insert_leads(rows: Sequence[dict[str, Any]], *, session: Session) -> dict[tuple[str, str], int]:
    """Insert new lead rows (all in one statement where the driver allows); their ids by
    (source, external_id)."""
    result = session.connection().execute(_INSERT_LEADS, list(rows))
    return {(source, external_id): lead_id for lead_id, source, external_id in result}


def insert_handoffs(rows: Sequence[dict[str, Any]], *, session: Session) -> dict[int, int]:
    """Insert new hand-offs, at most one per lead; their ids by lead id."""
    if not rows:
        return {}
    result = session.connection().execute(_INSERT_HANDOFFS, list(rows))
    return {lead_id: handoff_id for handoff_id, lead_id in result}


_INSERT_LEADS = insert(LEAD).returning(LEAD.c.id, LEAD.c.source, LEAD.c.external_id)
_INSERT_HANDOFFS = insert(HANDOFF).returning(HANDOFF.c.id, HANDOFF.c.lead_id)


def insert_rows(table: Table, rows: Iterable[dict[str, Any]], *, session: Session) -> None:
    """An executemany of `rows` (events, timers, outbox rows) in the order given: the ids
    follow that order, as the ORM's would."""
    rows = list(rows)
    if rows:
        session.connection().execute(insert(table), rows)
