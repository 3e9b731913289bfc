"""An admin's **Retry** on Home: one failing destination's failed rows go back to the
outbox (issue 10 §3). Only admins may; anyone else is refused and nothing changes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.runtime import Runtime
from storage import outbox
from storage.db import unit_of_work
from storage.events import log_event
from storage.people import get_person

DESTINATION = 2000  # a button value's limit in Slack: longer is not one of ours


@dataclass(frozen=True)
class Retried:
    destination: str
    rows: int  # failed rows put back (0: none were failed any more)
    allowed: bool = True  # False: the clicker is not an admin; nothing changed


def retry_destination(user_id: str, destination: object, *, runtime: Runtime) -> Retried:
    name = destination if isinstance(destination, str) else ""
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        person = get_person(user_id, session=session)
        if person is None or not person.active or person.role != "admin":
            return Retried(name, 0, allowed=False)
        if not name or len(name) > DESTINATION:
            return Retried(name, 0)
        rows = outbox.retry_failed(session=session, now=now, destination=name)
        if rows:
            log_event(
                "outbox_retried", session=session, at=now, actor=user_id,
                destination=name, rows=rows,
            )  # fmt: skip
    if rows:
        runtime.wake()
    return Retried(name, rows)
