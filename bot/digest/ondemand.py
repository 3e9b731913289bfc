"""`handshake digest`: the schedule at a glance, and `--now` to post one on demand.

`--now` takes the same path as the schedule: an outbox row of kind `digest` (the 7 days
before now), delivered at once by a delivery worker, with its retries and exactly-once post.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import HandshakeConfig
from bot.delivery import DeliveryWorker
from bot.digest.schedule import enqueue_now, next_slot
from storage import digests, outbox
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_FAILED, OUT_SENDING

WAIT_SECONDS = 30.0  # for a `serve` instance that took the row first

DAY_NAMES = {
    "mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays",
    "fri": "Fridays", "sat": "Saturdays", "sun": "Sundays",
}  # fmt: skip


@dataclass(frozen=True)
class NowResult:
    ok: bool
    lines: list[str]  # what happened, for standard output (ok) or as problems


def _when(dt: datetime, tz: str) -> str:
    local = dt.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def post_now(
    *, engine: Engine, config: HandshakeConfig, client: WebClient, clock: Clock
) -> NowResult:
    """Queue a digest of the last 7 days and deliver it right away."""
    row_id = enqueue_now(engine=engine, now=clock())
    worker = DeliveryWorker(engine=engine, config=config, client=client, clock=clock)
    worker.deliver(row_id)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:  # a running `serve` may have claimed the row first: let it finish
        with unit_of_work(engine) as session:
            row = outbox.get_row(row_id, session=session)
            event = digests.posted_event(row_id, session=session)
        assert row is not None
        if row.status != OUT_SENDING or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    payload = row.payload or {}
    start = datetime.fromisoformat(payload["period_start"])
    end = datetime.fromisoformat(payload["period_end"])
    period = f"{_when(start, config.timezone)} – {_when(end, config.timezone)}"
    if row.status == OUT_DONE and event is not None:
        data = event.data or {}
        chart = f"chart {data.get('file_id')}" if data.get("file_id") else "no chart"
        return NowResult(
            True,
            [
                f"posted the digest of {period} to {data.get('channel')} "
                f"(ts {data.get('ts')}, {chart}, outbox row #{row_id})"
            ],
        )
    if row.status == OUT_FAILED:
        return NowResult(
            False,
            [
                f"the digest could not be posted: {row.last_error} "
                f"(outbox row #{row_id}; `handshake outbox retry {row_id}` tries again)"
            ],
        )
    return NowResult(
        False,
        [
            f"the digest is not posted yet: {row.last_error or 'Slack did not answer'}; "
            f"it stays queued and a running `handshake serve` retries it (outbox row #{row_id})"
        ],
    )


def schedule_lines(*, engine: Engine, config: HandshakeConfig, now: datetime) -> list[str]:
    """The schedule, when it next posts, and the latest runs."""
    d, tz = config.digest, config.timezone
    when = f"{DAY_NAMES[d.day]} at {d.time:%H:%M} {tz}, to {config.handoff_channel}"
    if not d.enabled:
        lines = [f"weekly digest: disabled in the config (would be {when})"]
    else:
        lines = [f"weekly digest: {when}; next {_when(next_slot(now, d, tz), tz)}"]
    with unit_of_work(engine) as session:
        runs = digests.latest_runs(session=session, limit=3)
    for run in runs:
        if run.posted_at is not None:
            state = f"posted {_when(run.posted_at, tz)} (ts {run.ts})"
        elif run.note:
            state = run.note
        else:
            state = f"queued (outbox row #{run.outbox_id})"
        lines.append(f"  week to {_when(run.period_end, tz)}: {state}")
    lines.append("`handshake digest --now` posts the last 7 days now")
    return lines
