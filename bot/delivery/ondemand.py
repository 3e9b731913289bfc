"""`handshake digest --now`: post a digest on demand.

`--now` takes the same path as the schedule: an outbox row of kind `digest` (the 7 days
before now), delivered at once by a delivery worker, with its retries and exactly-once post.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import HandshakeConfig
from bot.delivery.jobs import JOBS
from bot.delivery.worker import DeliveryWorker
from bot.digest.schedule import enqueue_now
from bot.digest.status import when_text
from storage import digests, outbox
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_FAILED, OUT_SENDING

WAIT_SECONDS = 30.0  # for a `serve` instance that took the row first


@dataclass(frozen=True)
class NowResult:
    ok: bool
    lines: list[str]  # what happened, for standard output (ok) or as problems


def post_now(
    *, engine: Engine, config: HandshakeConfig, client: WebClient, clock: Clock
) -> NowResult:
    """Queue a digest of the last 7 days and deliver it right away."""
    row_id = enqueue_now(engine=engine, now=clock())
    worker = DeliveryWorker(engine=engine, config=config, client=client, clock=clock, jobs=JOBS)
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
    period = f"{when_text(start, config.timezone)} – {when_text(end, config.timezone)}"
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
