"""`digest`: delivering a digest outbox row (scheduled, or asked for with `handshake digest
--now`): the numbers, the chart, its upload, one post.

The chart goes up with Slack's external upload flow: `files.getUploadURLExternal`, the PNG
POSTed to the URL it returns, `files.completeUploadExternal` with no channel (the file is
not shared on its own); the post's image block then points at it by id. The post goes
through the worker's `post_once`, tagged `handshake_digest` with the period start and the
row's id, so a retry after an unknown outcome finds it in the channel instead of posting
twice. The uploaded chart's file id is kept as the row's result as soon as the upload is
complete, so a retry reuses it; only a timeout inside the upload itself can leave a spare
private file behind (never shared, never a second post).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.protocol import Delivery, Job
from bot.digest.data import Digest, build_digest, period_of
from bot.digest.schedule import DIGEST
from bot.digest.view import build_digest_message, chart_title
from storage import digests, outbox
from storage.db import read_only, unit_of_work
from storage.events import log_event
from storage.models import Outbox

log = logging.getLogger("handshake.digest")

METADATA_EVENT = "handshake_digest"
IMAGE_RETRIES = 2  # Slack may refuse an image block while it still processes a new file
IMAGE_RETRY_SECONDS = 5.0


def deliver_digest(worker: Delivery, row: Outbox) -> None:
    payload = row.payload or {}
    try:
        start = datetime.fromisoformat(payload["period_start"])
        end = datetime.fromisoformat(payload["period_end"])
    except (KeyError, TypeError, ValueError):
        raise Permanent("a digest row without a valid period") from None
    config = worker.config
    with read_only(worker.engine) as session:
        digest = build_digest(session=session, config=config, period=period_of(start, end))
    with unit_of_work(worker.engine) as session:
        kept = outbox.result_of(row.id or 0, session=session)
    file_id = kept.file_id if kept and kept.file_id else chart_file(worker, digest, config.timezone)
    if file_id and not (kept and kept.file_id):
        with unit_of_work(worker.engine) as session:
            outbox.save_result(row.id or 0, session=session, now=worker.clock(), file_id=file_id)
    tag = {
        "event_type": METADATA_EVENT,
        "payload": {"period_start": payload["period_start"], "outbox_id": row.id},
    }
    message = build_digest_message(digest, tz=config.timezone, file_id=file_id)
    try:
        channel, ts, recovered = worker.post_once(row, config.handoff_channel, message, tag)
    except Permanent as exc:
        if file_id is None or "invalid_blocks" not in str(exc):
            raise
        if row.attempts <= IMAGE_RETRIES:
            raise RetryLater(IMAGE_RETRY_SECONDS, str(exc), maybe_sent=False) from exc
        log.warning("digest chart refused by Slack (%s): posting without it", exc)
        file_id = None
        message = build_digest_message(digest, tz=config.timezone, file_id=None)
        channel, ts, recovered = worker.post_once(row, config.handoff_channel, message, tag)
    now = worker.clock()
    with unit_of_work(worker.engine) as session:
        if payload.get("scheduled"):
            digests.mark_posted(
                start, session=session, now=now, channel=channel, ts=ts, file_id=file_id
            )
        outbox.mark_done(row, now, session=session)
        log_event(
            digests.POSTED_EVENT,
            session=session,
            at=now,
            actor="system",
            period_start=payload["period_start"],
            period_end=payload["period_end"],
            outbox_id=row.id,
            channel=channel,
            ts=ts,
            file_id=file_id,
            recovered=recovered,
            attempts=row.attempts,
        )
    log.info(
        "digest posted period_start=%s channel=%s ts=%s file=%s recovered=%s",
        payload["period_start"],
        channel,
        ts,
        file_id,
        recovered,
    )


def chart_file(worker: Delivery, digest: Digest, tz: str) -> str | None:
    """Draw and upload the chart; its file id, or None when it cannot be had (the digest
    then goes without it). Slack being down or slow is retried like any call."""
    try:
        from bot.digest.chart import CampaignBar, render_chart  # matplotlib: loaded on use

        bars = [
            CampaignBar(r.campaign or "(no campaign)", r.counts.accepted, r.counts.verdicts)
            for r in digest.campaigns
            if r.counts.handoffs
        ]
        png = render_chart(digest.funnel.stages(), bars, title=chart_title(digest, tz))
    except Exception:
        log.exception("digest chart could not be drawn")
        return None
    day = digest.period.end.astimezone(ZoneInfo(tz)).date().isoformat()
    try:
        return upload_png(
            worker,
            png,
            filename=f"handshake-digest-{day}.png",
            title=f"Hand-off digest, week to {day}",
        )
    except Permanent as exc:
        log.warning("digest chart not uploaded: %s", exc)
        return None


def upload_png(worker: Delivery, png: bytes, *, filename: str, title: str) -> str:
    """Slack's external upload, not shared to any channel; returns the file id."""
    answer = worker.call(
        "files_getUploadURLExternal", maybe_sent_on_error=False, filename=filename, length=len(png)
    )
    upload_url, file_id = str(answer["upload_url"]), str(answer["file_id"])
    timeout = worker.client.timeout if worker.client is not None else None
    post_bytes(upload_url, png, timeout=float(timeout or 30))
    worker.call(
        "files_completeUploadExternal",
        maybe_sent_on_error=False,
        files=[{"id": file_id, "title": title}],
    )
    return file_id


def post_bytes(url: str, data: bytes, *, timeout: float) -> str:
    """POST the raw bytes to an upload URL; Slack answers 200 "OK - <length>"."""
    if not url.startswith(("https://", "http://")):
        raise Permanent("upload: Slack returned an upload_url that is not http(s)")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/octet-stream"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise RetryLater(0, f"upload: HTTP {exc.code}", maybe_sent=False) from exc
        raise Permanent(f"upload: HTTP {exc.code}") from exc
    except OSError as exc:  # refused, reset, timed out
        raise RetryLater(0, f"upload: {exc!r}", maybe_sent=False) from exc


KINDS: dict[str, Job] = {DIGEST: deliver_digest}
