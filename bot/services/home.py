"""What a person's App Home shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.runtime import Runtime
from bot.services.decisions import lead_label
from storage.db import unit_of_work
from storage.handoffs import pending_for_owner
from storage.people import get_person


@dataclass(frozen=True)
class QueueItem:
    handoff_id: int
    lead_label: str
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class HomeData:
    name: str
    on_roster: bool
    tz: str
    away_until: date | None
    capacity_per_day: int | None
    queue: tuple[QueueItem, ...]


def home_for(user_id: str, *, runtime: Runtime) -> HomeData:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        person = get_person(user_id, session=session)
        rows = pending_for_owner(user_id, session=session)
    queue = tuple(
        QueueItem(h.id or 0, lead_label(lead), h.due_at, h.due_at < now) for h, lead in rows
    )
    if person is None:
        return HomeData(user_id, False, runtime.config.timezone, None, None, queue)
    return HomeData(
        person.name,
        person.active,
        person.tz or runtime.config.timezone,
        person.away_until,
        person.capacity_per_day,
        queue,
    )
