"""When the weekly digest is due, and claiming it exactly once across instances.

A slot is `digest.day` at `digest.time`, wall-clock time in the config's `timezone`. Each
tick looks only at the latest slot at or before now: when no `DigestRun` holds it yet, the
tick inserts one (unique period start) and the outbox row that posts it, in one
transaction. Two instances racing for a slot both try the INSERT; one commits, the other
gets an IntegrityError and does nothing. A slot missed while no instance ran is claimed by
the first tick after start, as long as it is still the latest (within the week); older
ones are never posted.

The schedule's very first slot (an empty ledger: a new install, or the upgrade that brings
the digest) is recorded without a post: the first digest is the next slot's, rather than
a catch-up for a week the bot did not see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.config import DAYS, DigestConfig, HandshakeConfig
from bot.runtime import Runtime
from storage import digests, outbox
from storage.db import unit_of_work

log = logging.getLogger("handshake.digest")

DIGEST = "digest"  # the outbox kind
TARGET = "channel"  # the outbox target: handoff_channel (paced with the cards posted there)
FIRST_SLOT = "the schedule's first slot: recorded, not posted"


@dataclass(frozen=True)
class Slot:
    """A digest's period, [start, end), in UTC: from the previous slot to this one (seven
    calendar days: 167 to 169 hours when a DST change falls inside)."""

    start: datetime
    end: datetime


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone`, in UTC. A time skipped by a DST change (02:30 on the night
    clocks go forward) lands an hour later; a repeated one takes its first occurrence."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def latest_slot(now: datetime, digest: DigestConfig, tz: str) -> Slot:
    """The latest slot at or before `now`, and the one before it."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - DAYS.index(digest.day)) % 7)
    end = _at(day, digest.time, zone)
    if end > now:
        day -= timedelta(days=7)
        end = _at(day, digest.time, zone)
    return Slot(_at(day - timedelta(days=7), digest.time, zone), end)


def next_slot(now: datetime, digest: DigestConfig, tz: str) -> datetime:
    """The first slot after `now`, in UTC."""
    zone = ZoneInfo(tz)
    latest = latest_slot(now, digest, tz).end.astimezone(zone)
    return _at(latest.date() + timedelta(days=7), digest.time, zone)


def payload(slot: Slot, *, scheduled: bool) -> dict[str, object]:
    return {
        "period_start": slot.start.isoformat(),
        "period_end": slot.end.isoformat(),
        "scheduled": scheduled,
    }


def claim_due(*, engine: Engine, config: HandshakeConfig, now: datetime) -> int | None:
    """Claim the latest slot if nobody has: returns the new outbox row's id, else None."""
    if not config.digest.enabled:
        return None
    slot = latest_slot(now, config.digest, config.timezone)
    with unit_of_work(engine) as session:
        if digests.run_for(slot.start, session=session) is not None:
            return None  # the common case: a cheap read, no write lock
        first = not digests.latest_runs(session=session, limit=1)
    return claim(slot, engine=engine, now=now, post=not first)


def claim(slot: Slot, *, engine: Engine, now: datetime, post: bool = True) -> int | None:
    """Insert the run and its outbox row together; None when another instance has it (or,
    with `post=False`, when the slot is only recorded)."""
    row_id = None
    try:
        with unit_of_work(engine) as session:
            run = digests.insert_run(slot.start, slot.end, session=session, now=now)
            if post:
                row = outbox.enqueue(
                    DIGEST, TARGET, session=session, now=now, payload=payload(slot, scheduled=True)
                )
                session.flush()
                run.outbox_id = row_id = row.id
            else:
                run.note = FIRST_SLOT
            session.add(run)
    except IntegrityError:
        log.info("digest period_start=%s claimed by another instance", slot.start.isoformat())
        return None
    log.info(
        "digest %s period_start=%s period_end=%s outbox=%s",
        "queued" if post else "schedule started",
        slot.start.isoformat(),
        slot.end.isoformat(),
        row_id,
    )
    return row_id


def enqueue_now(*, engine: Engine, now: datetime, days: int = 7) -> int:
    """An on-demand digest of the `days` before now (no `DigestRun`: the schedule's ledger
    is left alone); returns the outbox row's id."""
    slot = Slot(now - timedelta(days=days), now)
    with unit_of_work(engine) as session:
        row = outbox.enqueue(
            DIGEST, TARGET, session=session, now=now, payload=payload(slot, scheduled=False)
        )
        session.flush()
        assert row.id is not None
        return row.id


def run_digest_tick(runtime: Runtime) -> int | None:
    """The scheduler's digest job: claim the slot if due, and wake the delivery worker."""
    row_id = claim_due(engine=runtime.engine, config=runtime.config, now=runtime.clock())
    if row_id is not None:
        runtime.wake()
    return row_id
