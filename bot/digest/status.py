"""`handshake digest`: the schedule at a glance, and the latest runs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.config import HandshakeConfig
from bot.digest.schedule import next_slot
from storage import digests
from storage.db import unit_of_work

DAY_NAMES = {
    "mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays",
    "fri": "Fridays", "sat": "Saturdays", "sun": "Sundays",
}  # fmt: skip


def when_text(dt: datetime, tz: str) -> str:
    local = dt.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def schedule_lines(*, engine: Engine, config: HandshakeConfig, now: datetime) -> list[str]:
    """The schedule, when it next posts, and the latest runs."""
    d, tz = config.digest, config.timezone
    when = f"{DAY_NAMES[d.day]} at {d.time:%H:%M} {tz}, to {config.handoff_channel}"
    if not d.enabled:
        lines = [f"weekly digest: disabled in the config (would be {when})"]
    else:
        lines = [f"weekly digest: {when}; next {when_text(next_slot(now, d, tz), tz)}"]
    with unit_of_work(engine) as session:
        runs = digests.latest_runs(session=session, limit=3)
    for run in runs:
        if run.posted_at is not None:
            state = f"posted {when_text(run.posted_at, tz)} (ts {run.ts})"
        elif run.note:
            state = run.note
        else:
            state = f"queued (outbox row #{run.outbox_id})"
        lines.append(f"  week to {when_text(run.period_end, tz)}: {state}")
    lines.append("`handshake digest --now` posts the last 7 days now")
    return lines
