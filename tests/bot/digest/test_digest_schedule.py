"""The digest's schedule: slots in the config's time zone (DST included), and claiming a
slot exactly once, by one instance, across restarts; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select

from bot.config import DigestConfig, parse_config
from bot.digest.schedule import (
    DIGEST,
    FIRST_SLOT,
    Slot,
    claim,
    claim_due,
    latest_slot,
    next_slot,
)
from storage.db import make_engine, unit_of_work
from storage.models import DigestRun, Outbox
from tests import factories as f


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def digest(day: str = "mon", at: str = "09:00") -> DigestConfig:
    return DigestConfig.model_validate({"day": day, "time": at})


# -- slots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "end", "start"),
    [
        (utc(2026, 11, 23, 14), utc(2026, 11, 23, 9), utc(2026, 11, 16, 9)),  # Monday afternoon
        (utc(2026, 11, 23, 9), utc(2026, 11, 23, 9), utc(2026, 11, 16, 9)),  # the slot itself
        (utc(2026, 11, 23, 8, 59, 59), utc(2026, 11, 16, 9), utc(2026, 11, 9, 9)),  # just before
        (utc(2026, 11, 29, 23), utc(2026, 11, 23, 9), utc(2026, 11, 16, 9)),  # Sunday night
    ],
)
def test_latest_slot_in_utc(now, end, start):
    assert latest_slot(now, digest(), "UTC") == Slot(start, end)


def test_a_week_across_the_end_of_daylight_saving_time_is_169_hours():
    # New York leaves EDT (UTC-4) for EST (UTC-5) on Sunday 1 November 2026.
    slot = latest_slot(utc(2026, 11, 2, 15), digest(), "America/New_York")
    assert slot == Slot(utc(2026, 10, 26, 13), utc(2026, 11, 2, 14))  # 09:00 local both times
    assert slot.end - slot.start == timedelta(hours=169)


def test_a_week_across_the_start_of_daylight_saving_time_is_167_hours():
    # New York moves to EDT on Sunday 8 March 2026; in Berlin summer time starts 29 March.
    slot = latest_slot(utc(2026, 3, 9, 13, 30), digest(), "America/New_York")
    assert slot == Slot(utc(2026, 3, 2, 14), utc(2026, 3, 9, 13))
    assert slot.end - slot.start == timedelta(hours=167)
    berlin = latest_slot(utc(2026, 3, 30, 12), digest(), "Europe/Berlin")
    assert berlin == Slot(utc(2026, 3, 23, 8), utc(2026, 3, 30, 7))


def test_before_the_local_time_on_the_day_is_last_week():
    # 08:30 in New York on Monday 9 March is 12:30 UTC: the slot at 09:00 is still ahead.
    slot = latest_slot(utc(2026, 3, 9, 12, 30), digest(), "America/New_York")
    assert slot.end == utc(2026, 3, 2, 14)


def test_a_time_skipped_by_the_clock_change_lands_an_hour_later():
    # 02:30 on Sunday 8 March 2026 does not exist in New York: it is 03:30 EDT (07:30 UTC).
    slot = latest_slot(utc(2026, 3, 8, 12), digest("sun", "02:30"), "America/New_York")
    assert slot.end == utc(2026, 3, 8, 7, 30)
    assert slot.start == utc(2026, 3, 1, 7, 30)  # 02:30 EST


def test_a_repeated_time_takes_its_first_occurrence():
    # 01:30 on Sunday 1 November 2026 happens twice in New York: first in EDT (05:30 UTC).
    slot = latest_slot(utc(2026, 11, 1, 7), digest("sun", "01:30"), "America/New_York")
    assert slot.end == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("tz", "now", "end"),
    [
        # Monday 09:00 in Auckland (UTC+13 in November) is Sunday 20:00 UTC.
        ("Pacific/Auckland", utc(2026, 11, 22, 20, 30), utc(2026, 11, 22, 20)),
        ("Pacific/Auckland", utc(2026, 11, 22, 19, 30), utc(2026, 11, 15, 20)),
        # Monday 09:00 in Honolulu (UTC-10) is Monday 19:00 UTC.
        ("Pacific/Honolulu", utc(2026, 11, 23, 18), utc(2026, 11, 16, 19)),
        ("Asia/Kolkata", utc(2026, 11, 23, 4), utc(2026, 11, 23, 3, 30)),  # UTC+05:30
    ],
)
def test_latest_slot_in_other_time_zones(tz, now, end):
    slot = latest_slot(now, digest(), tz)
    assert slot.end == end
    assert slot.start == end - timedelta(days=7)  # no clock change in these weeks


def test_next_slot_and_day_and_time_from_the_config():
    friday = digest("fri", "17:30")
    now = utc(2026, 11, 23, 14)  # a Monday
    assert latest_slot(now, friday, "UTC").end == utc(2026, 11, 20, 17, 30)
    assert next_slot(now, friday, "UTC") == utc(2026, 11, 27, 17, 30)
    # across the change to EST: the next Monday 09:00 in New York is 14:00 UTC
    assert next_slot(utc(2026, 10, 27), digest(), "America/New_York") == utc(2026, 11, 2, 14)


def test_the_default_is_monday_nine_in_the_config_time_zone():
    config = parse_config(f.config_data(timezone="Europe/Berlin"))
    assert (config.digest.day, config.digest.time, config.digest.enabled) == ("mon", time(9), True)
    assert latest_slot(utc(2026, 11, 23, 14), config.digest, config.timezone).end == utc(
        2026, 11, 23, 8
    )


# -- claiming -------------------------------------------------------------------------------


def runs(engine: Engine) -> list[DigestRun]:
    with unit_of_work(engine) as session:
        return list(session.scalars(select(DigestRun).order_by(DigestRun.period_start)))


def digest_rows(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.kind == DIGEST)
        return int(session.execute(query).scalar_one())


def started(engine: Engine, config, now: datetime) -> None:
    """A ledger that already has a week behind it (the very first slot only records)."""
    assert claim_due(engine=engine, config=config, now=now - timedelta(days=7)) is None
    [first] = runs(engine)
    assert first.note == FIRST_SLOT and first.outbox_id is None


def test_the_first_slot_is_recorded_then_each_slot_is_queued_once(engine, config):
    now = utc(2026, 11, 23, 14)
    assert claim_due(engine=engine, config=config, now=now) is None  # a new install
    assert digest_rows(engine) == 0
    later = now + timedelta(days=7)
    row_id = claim_due(engine=engine, config=config, now=later)
    assert row_id is not None
    assert claim_due(engine=engine, config=config, now=later + timedelta(hours=1)) is None
    first, second = runs(engine)
    assert (second.period_start, second.period_end) == (first.period_end, utc(2026, 11, 30, 9))
    assert second.outbox_id == row_id and second.note is None
    with unit_of_work(engine) as session:
        row = session.get(Outbox, row_id)
        assert row is not None and (row.kind, row.target) == (DIGEST, "channel")
        assert row.payload == {
            "period_start": "2026-11-23T09:00:00+00:00",
            "period_end": "2026-11-30T09:00:00+00:00",
            "scheduled": True,
        }
    assert digest_rows(engine) == 1


def test_a_disabled_digest_claims_nothing(engine):
    config = parse_config(f.config_data(digest={"enabled": False}))
    assert claim_due(engine=engine, config=config, now=utc(2026, 11, 23, 14)) is None
    assert runs(engine) == [] and digest_rows(engine) == 0


def test_the_losing_insert_gets_nothing(engine, config):
    slot = latest_slot(utc(2026, 11, 23, 14), config.digest, config.timezone)
    now = utc(2026, 11, 23, 14)
    assert claim(slot, engine=engine, now=now) is not None
    assert claim(slot, engine=engine, now=now) is None  # IntegrityError: someone has it
    assert digest_rows(engine) == 1 and len(runs(engine)) == 1


def _second_engine(engine: Engine) -> Engine:
    return make_engine(engine.url.render_as_string(hide_password=False))


@pytest.mark.parametrize("check_first", [True, False], ids=["tick", "insert-race"])
def test_two_instances_ticking_at_once_queue_one_digest(engine, config, check_first):
    """Two "instances" (own engines, own connections) hit the same slot at the same moment,
    week after week; with `insert-race` both skip the read and go straight to the INSERT."""
    other = _second_engine(engine)
    now = utc(2026, 11, 23, 14)
    started(engine, config, now)
    results: list[int | None] = []
    errors: list[BaseException] = []

    def instance(db: Engine, at: datetime, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=10)
            if check_first:
                results.append(claim_due(engine=db, config=config, now=at))
            else:
                slot = latest_slot(at, config.digest, config.timezone)
                results.append(claim(slot, engine=db, now=at))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    try:
        for week in range(4):
            at, barrier = now + timedelta(days=7 * week), threading.Barrier(2)
            results.clear()
            threads = [
                threading.Thread(target=instance, args=(db, at, barrier)) for db in (engine, other)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert errors == []
            assert len(results) == 2 and sum(r is not None for r in results) == 1, results
        assert digest_rows(engine) == 4
        assert len(runs(engine)) == 5  # the first slot, recorded, and four queued
    finally:
        other.dispose()


def test_a_missed_slot_is_queued_once_after_downtime_and_older_ones_never(engine, config):
    now = utc(2026, 11, 23, 14)
    started(engine, config, now)
    assert claim_due(engine=engine, config=config, now=now) is not None  # on time
    # Down from Tuesday 24 November until Wednesday 9 December: the 30 Nov and 7 Dec slots
    # passed. Only the latest (7 Dec) is posted, once, however often the new process ticks.
    back = utc(2026, 12, 9, 12)
    assert claim_due(engine=engine, config=config, now=back) is not None
    for minutes in (0, 1, 60, 3 * 24 * 60):
        later = back + timedelta(minutes=minutes)
        assert claim_due(engine=engine, config=config, now=later) is None
    restarted = _second_engine(engine)  # a restart: new process, new engine, same database
    try:
        assert claim_due(engine=restarted, config=config, now=back + timedelta(hours=2)) is None
    finally:
        restarted.dispose()
    assert [r.period_end for r in runs(engine)] == [
        utc(2026, 11, 16, 9),
        utc(2026, 11, 23, 9),
        utc(2026, 12, 7, 9),  # 30 November was never posted
    ]
    assert digest_rows(engine) == 2
