"""A person's own routing settings, changed from Slack."""

from __future__ import annotations

from datetime import date

from bot.runtime import Runtime
from storage import people
from storage.db import unit_of_work
from storage.events import log_event

NOT_ON_ROSTER = "You are not on the Handshake roster; ask your admin to add you to the config."


def set_away(user_id: str, until: date | None, *, runtime: Runtime) -> str:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        if people.set_away(user_id, until, session=session) is None:
            return NOT_ON_ROSTER
        log_event(
            "away_set",
            session=session,
            at=now,
            actor=user_id,
            until=until.isoformat() if until else None,
        )
    if until is None:
        return "Welcome back: new leads can reach you again."
    return f"You are away until {until.isoformat()}: new leads go to your teammates until then."


def set_capacity(user_id: str, capacity: int | None, *, runtime: Runtime) -> str:
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        if people.set_capacity(user_id, capacity, session=session) is None:
            return NOT_ON_ROSTER
        log_event("capacity_set", session=session, at=now, actor=user_id, capacity=capacity)
    if capacity is None:
        return "Your daily cap is off."
    return f"You will get at most {capacity} new leads a day."
