"""A person's own routing settings, changed from Slack. Returns what changed (the views
word it), or that the person is not on the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.away import end_of_day, zone_of
from bot.runtime import Runtime
from bot.services.away import release_stranded
from storage import absences, people
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
    away_from: datetime | None = None  # a timed absence (UTC), shown in `zone`
    away_to: datetime | None = None
    zone: ZoneInfo | None = None
    reassigned: int = 0  # pending hand-offs moved at once because they would breach


def zone_for(user_id: str, *, runtime: Runtime) -> ZoneInfo:
    """The person's time zone (Slack's, else their config's), else the config's."""
    with unit_of_work(runtime.engine) as session:
        person = people.get_person(user_id, session=session)
        return zone_of(person.tz if person else None, runtime.config.timezone)


def set_away(user_id: str, until: date | None, *, runtime: Runtime) -> SettingChange:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        person = people.set_away(user_id, until, session=session)
        if person is None:
            return SettingChange(AWAY, until, on_roster=False)
        moved: list[int] = []
        if until is not None:
            zone = zone_of(person.tz, runtime.config.timezone)
            moved = release_stranded(
                person,
                session=session,
                config=runtime.config,
                now=now,
                since=now,
                until=end_of_day(until, zone),
                why=f"away until {until.isoformat()}",
            )
        log_event(
            "away_set",
            session=session,
            at=now,
            actor=user_id,
            until=until.isoformat() if until else None,
            reassigned=len(moved),
        )
    return SettingChange(AWAY, until, reassigned=len(moved))


def set_away_window(
    user_id: str, start: datetime, end: datetime, *, runtime: Runtime
) -> SettingChange:
    """A timed absence; begun already, what it would strand moves now (else the tick
    moves it when it begins: `bot.services.away.sweep`)."""
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        person = absences.set_away_window(user_id, start, end, session=session)
        if person is None:
            return SettingChange(AWAY, None, on_roster=False)
        zone = zone_of(person.tz, runtime.config.timezone)
        moved: list[int] = []
        if start <= now:
            moved = release_stranded(
                person,
                session=session,
                config=runtime.config,
                now=now,
                since=start,
                until=end,
                why="away",
            )
        log_event(
            "away_set",
            session=session,
            at=now,
            actor=user_id,
            away_from=start.isoformat(),
            away_to=end.isoformat(),
            reassigned=len(moved),
        )
    return SettingChange(AWAY, None, away_from=start, away_to=end, zone=zone, reassigned=len(moved))


def set_capacity(user_id: str, capacity: int | None, *, runtime: Runtime) -> SettingChange:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        if people.set_capacity(user_id, capacity, session=session) is None:
            return SettingChange(CAPACITY, capacity, on_roster=False)
        log_event("capacity_set", session=session, at=now, actor=user_id, capacity=capacity)
    return SettingChange(CAPACITY, capacity)
