"""The scheduler tick: APScheduler only ticks; the due work is rows in the database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.delivery import DeliveryWorker
from bot.digest.schedule import run_digest_tick
from bot.runtime import Runtime
from bot.services.sla_fire import TickReport, tick
from storage.db import unit_of_work
from storage.people import active_people

log = logging.getLogger("handshake.scheduler")
TICK_JOB_ID = "handshake-sla-tick"
TZ_JOB_ID = "handshake-time-zones"
DIGEST_JOB_ID = "handshake-digest-tick"
TZ_REFRESH_HOURS = 24


def run_tick(runtime: Runtime, batch: int = 500) -> TickReport:
    """Fire what is due now; wake the delivery worker when there is something to send."""
    report = tick(engine=runtime.engine, config=runtime.config, now=runtime.clock(), batch=batch)
    if report.fired:
        runtime.wake()
    if report.claimed:
        log.info(
            "tick fired=%d deferred=%d skipped=%d kinds=%s",
            report.fired,
            report.deferred,
            report.skipped,
            report.kinds,
        )
    return report


def refresh_time_zones(worker: DeliveryWorker) -> int:
    """Ask Slack for everyone's time zone (users.info); clocks follow any change."""
    with unit_of_work(worker.engine) as session:
        people = [p.slack_id for p in active_people(session=session)]
    for slack_id in people:
        worker.cache_tz(slack_id, refresh=True)
    return len(people)


def start_scheduler(
    runtime: Runtime, tick_seconds: float, worker: DeliveryWorker | None = None
) -> BackgroundScheduler:
    """Jobs with stable ids; overlapping runs are skipped, missed ones coalesced.
    Its job store is in memory on purpose: timers live in our database, never in
    APScheduler's (its stores must not be shared between processes)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        run_tick,
        "interval",
        seconds=tick_seconds,
        args=[runtime],
        id=TICK_JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.add_job(  # the weekly digest: claimed in the database, so cheap to ask often
        run_digest_tick,
        "interval",
        seconds=tick_seconds,
        args=[runtime],
        id=DIGEST_JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=datetime.now(UTC),
    )
    if worker is not None:  # at start, then daily
        scheduler.add_job(
            refresh_time_zones,
            "interval",
            hours=TZ_REFRESH_HOURS,
            args=[worker],
            id=TZ_JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
    scheduler.start()
    return scheduler
