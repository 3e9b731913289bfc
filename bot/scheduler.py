"""The scheduler tick: APScheduler only ticks; the due work is rows in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.delivery.backoff import Backoff
from bot.delivery.protocol import Delivery
from bot.digest.schedule import run_digest_tick
from bot.runtime import Runtime
from bot.services import away
from bot.services.departures import note_deactivated, sweep_departures
from bot.services.dials import expire_dials
from bot.services.roster_lookup import refresh_roster
from bot.services.shift_wait import fire_waits
from bot.services.sla_clock import follow_time_zone
from bot.services.sla_fire import TickReport, tick
from storage.clicks import prune_clicks
from storage.db import read_only, unit_of_work
from storage.housekeeping import prune_settled_timers
from storage.lead_waits import prune_fired_waits
from storage.people import active_people, get_person
from storage.requests import prune_requests

log = logging.getLogger("handshake.scheduler")
TICK_JOB_ID = "handshake-sla-tick"
TZ_JOB_ID = "handshake-time-zones"
ROSTER_JOB_ID = "handshake-roster-emails"
DIGEST_JOB_ID = "handshake-digest-tick"
HOUSEKEEPING_JOB_ID = "handshake-housekeeping"
HOUSEKEEPING_SECONDS = 600
DIALS_JOB_ID = "handshake-dials"
DIALS_SECONDS = 300  # dials end by the day: a few minutes late is fine
TZ_REFRESH_HOURS = 24
BACKOFF_CAP = 300.0  # seconds: the longest a failing job waits between tries


def run_tick(runtime: Runtime, batch: int = 500) -> TickReport:
    """Fire what is due now; wake the delivery worker when there is something to send."""
    # A departed owner's hand-offs move on before their timers could nudge them.
    moved = sweep_departures(runtime)
    away_moved = away.sweep(runtime)  # timed absences that began: what they would strand moves
    if away_moved:
        log.info("away sweep reassigned=%d", away_moved)
    moved += away_moved
    report = tick(runtime=runtime, batch=batch)
    moved += fire_waits(runtime)  # both write cards to post
    if report.fired or moved:
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


@dataclass(frozen=True)
class Housekeeping:
    requests: int  # Slack request keys forgotten
    timers: int  # settled timers of closed hand-offs deleted
    clicks: int = 0  # settled queued clicks forgotten
    waits: int = 0  # fired lead waits (on-shift routing) deleted


def run_housekeeping(runtime: Runtime, *, batch: int = 1000, batches: int = 20) -> Housekeeping:
    """Prune what only piles up (storage/housekeeping.py), `batch` rows a transaction so
    the write lock is held briefly, at most `batches` of each per run: a backlog (the first
    run on an old database) goes over several runs."""
    now, counts = runtime.clock(), []
    for prune in (prune_requests, prune_settled_timers, prune_clicks, prune_fired_waits):
        total = 0
        for _ in range(batches):
            with unit_of_work(runtime.engine) as session:
                done = prune(session=session, now=now, limit=batch)
            total += done
            if done < batch:
                break
        counts.append(total)
    report = Housekeeping(*counts)
    if any(counts):
        log.info(
            "housekeeping requests=%d timers=%d clicks=%d waits=%d",
            report.requests,
            report.timers,
            report.clicks,
            report.waits,
        )
    return report


def run_dial_expiry(runtime: Runtime) -> int:
    """Clear the dials whose last day has passed and tell their people (once, even with
    two instances: `bot/services/dials.expire_dials`)."""
    ended = expire_dials(runtime)
    if ended:
        log.info("dials ended=%d", ended)
    return ended


def refresh_time_zones(worker: Delivery) -> int:
    """Ask Slack for everyone's time zone and status (users.info); clocks follow any
    change of zone, routing any status that says away."""
    with unit_of_work(worker.engine) as session:
        people = [p.slack_id for p in active_people(session=session)]
    for slack_id in people:
        learn_time_zone(worker, slack_id, refresh=True)
    return len(people)


def refresh_people(pair: tuple[Runtime, Delivery]) -> bool:
    """People given by email: look their Slack IDs up again (daily)."""
    runtime, worker = pair
    return refresh_roster(runtime, client=worker.client)


def learn_time_zone(worker: Delivery, slack_id: str, *, refresh: bool = False) -> None:
    """Learn a person's time zone from Slack (users.info), unless it is known already (or
    `refresh`); their clocks follow it. The delivery worker calls this before it writes to
    someone; a failure leaves the configured time zone in place."""
    with read_only(worker.engine) as session:
        person = get_person(slack_id, session=session)
        if person is None or (person.tz and not refresh):
            return
    try:
        info = worker.client.users_info(user=slack_id)
    except Exception as exc:  # the card falls back to the configured time zone
        log.warning("users.info failed user=%s error=%s", slack_id, exc)
        return
    user = info.get("user") or {}
    profile = user.get("profile")
    if isinstance(profile, dict):  # their Slack status: away or not (services/away)
        away.learn_status(
            slack_id, profile, engine=worker.engine, config=worker.config, now=worker.clock()
        )
    if isinstance(user.get("deleted"), bool):  # Slack's deactivated account
        with unit_of_work(worker.engine) as session:
            note_deactivated(slack_id, user["deleted"], session=session, now=worker.clock())
    tz = user.get("tz")
    if tz:
        with unit_of_work(worker.engine) as session:
            moved = follow_time_zone(
                slack_id, tz, session=session, config=worker.config, now=worker.clock()
            )
        if moved is not None:
            log.info("time zone user=%s tz=%s timers_moved=%d", slack_id, tz, moved)


def guarded(
    name: str, func: Callable[[Any], Any], *, base: float, cap: float = BACKOFF_CAP
) -> Callable[[Any], Any]:
    """`func` as a job that backs off while it keeps failing: runs are skipped for a
    doubling wait, one line is logged per distinct failure and one when it recovers."""
    backoff = Backoff(name, log, base=base, cap=max(cap, base))

    def job(arg: Any) -> Any:
        return backoff.run(func, arg)

    job.backoff = backoff  # type: ignore[attr-defined]
    return job


def _every(
    scheduler: BackgroundScheduler,
    job_id: str,
    func: Callable[..., Any],
    arg: object,
    *,
    seconds: float,
    start_now: bool = False,
) -> None:
    """One job with a stable id; an overlapping run is skipped, missed ones coalesced."""
    scheduler.add_job(
        func,
        "interval",
        seconds=seconds,
        args=[arg],
        id=job_id,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        **({"next_run_time": datetime.now(UTC)} if start_now else {}),
    )


def start_scheduler(
    runtime: Runtime, tick_seconds: float, worker: Delivery | None = None
) -> BackgroundScheduler:
    """Its job store is in memory on purpose: timers live in our database, never in
    APScheduler's (its stores must not be shared between processes)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    tick_job = guarded("scheduler tick", run_tick, base=tick_seconds / 2)
    _every(scheduler, TICK_JOB_ID, tick_job, runtime, seconds=tick_seconds)
    # The weekly digest is claimed in the database, so it is cheap to ask often.
    digest_job = guarded("digest tick", run_digest_tick, base=tick_seconds / 2)
    _every(scheduler, DIGEST_JOB_ID, digest_job, runtime, seconds=tick_seconds, start_now=True)
    keep_job = guarded("housekeeping", run_housekeeping, base=tick_seconds)
    _every(scheduler, HOUSEKEEPING_JOB_ID, keep_job, runtime, seconds=HOUSEKEEPING_SECONDS)
    dials_job = guarded("dial expiry", run_dial_expiry, base=tick_seconds)
    _every(scheduler, DIALS_JOB_ID, dials_job, runtime, seconds=DIALS_SECONDS)
    if worker is not None:  # at start, then daily
        _every(
            scheduler,
            TZ_JOB_ID,
            guarded("time zone refresh", refresh_time_zones, base=600),
            worker,
            seconds=TZ_REFRESH_HOURS * 3600,
            start_now=True,
        )
        if worker.client is not None:  # people given by email: their IDs, daily
            _every(
                scheduler,
                ROSTER_JOB_ID,
                guarded("roster refresh", refresh_people, base=600),
                (runtime, worker),
                seconds=TZ_REFRESH_HOURS * 3600,
            )
    scheduler.start()
    return scheduler
