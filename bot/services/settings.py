"""A person's own routing settings, changed from Slack. Returns what changed (the views
word it), or that the person is not on the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.runtime import Runtime
from storage import people
from storage.db import unit_of_work
from storage.events import log_event

AWAY, CAPACITY = "away", "capacity"


@dataclass(frozen=True)
class SettingChange:
    """A setting as it now stands: away until a date (None: back), or a daily cap (None:
    no cap). `on_roster` False: nothing changed, the person is not on the roster."""

    setting: str  # AWAY or CAPACITY
    value: date | int | None
    on_roster: bool = True


def set_away(user_id: str, until: date | None, *, runtime: Runtime) -> SettingChange:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        if people.set_away(user_id, until, session=session) is None:
            return SettingChange(AWAY, until, on_roster=False)
        log_event(
            "away_set",
            session=session,
            at=now,
            actor=user_id,
            until=until.isoformat() if until else None,
        )
    return SettingChange(AWAY, until)


def set_capacity(user_id: str, capacity: int | None, *, runtime: Runtime) -> SettingChange:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        if people.set_capacity(user_id, capacity, session=session) is None:
            return SettingChange(CAPACITY, capacity, on_roster=False)
        log_event("capacity_set", session=session, at=now, actor=user_id, capacity=capacity)
    return SettingChange(CAPACITY, capacity)
