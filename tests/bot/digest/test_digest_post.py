"""The digest end to end in the stand-in Slack: scheduled by the tick, its chart uploaded
with the external flow and shown by an image block, posted exactly once whatever Slack does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.delivery import DeliveryWorker
from bot.delivery.jobs.digest import METADATA_EVENT
from bot.digest.chart import CampaignBar, render_chart
from bot.digest.schedule import enqueue_now, run_digest_tick
from bot.digest.view import chart_title
from bot.runtime import Runtime
from bot.server import build_worker
from sandbox.models import Message
from storage import digests
from storage.db import unit_of_work
from storage.events import events_of_kind
from storage.models import OUT_PENDING, DigestRun, Outbox
from tests import factories as f
from tests.bot.digest.test_digest_data import build_week, digest_for
from tests.conftest import slack_client
from tests.helpers import rendered


def digest_posts(slack) -> list[Message]:
    return [
        m
        for m in slack.state.messages(f.CHANNEL)
        if (m.metadata or {}).get("event_type") == METADATA_EVENT
    ]


def image_file_id(message: Message) -> str | None:
    found = [b["slack_file"]["id"] for b in message.blocks if b["type"] == "image"]
    return found[0] if found else None


def tick(bot) -> int | None:
    row_id = run_digest_tick(bot.runtime)
    bot.deliver()
    return row_id


def test_the_weekly_digest_is_posted_with_its_uploaded_chart(bot, runtime, clock):
    assert tick(bot) is None  # Monday 23 November, 14:00: the schedule's first slot, recorded
    build_week(runtime)  # ... through Monday 30 November, 10:00
    row_id = tick(bot)
    assert row_id is not None

    [post] = digest_posts(bot.slack)
    assert post.metadata == {
        "event_type": METADATA_EVENT,
        "event_payload": {"period_start": "2026-11-23T09:00:00+00:00", "outbox_id": row_id},
    }
    assert "Received *8* → Qualified *7*" in rendered(post)
    file_id = image_file_id(post)
    assert file_id is not None
    stored = bot.slack.state.file(file_id)
    assert stored is not None and stored.complete
    assert stored.channels == []  # uploaded for the image block, not shared on its own
    assert stored.data is not None and stored.data.startswith(b"\x89PNG")

    week = digest_for(runtime)
    bars = [
        CampaignBar(r.campaign or "(no campaign)", r.counts.accepted, r.counts.verdicts)
        for r in week.campaigns
    ]
    expected = render_chart(week.funnel.stages(), bars, title=chart_title(week, "UTC"))
    assert stored.data == expected  # the week's own chart
    state = bot.slack.state
    assert [c.params.get("channel_id") for c in state.calls("files.completeUploadExternal")] == [
        None
    ]
    assert state.count_calls("files.getUploadURLExternal", ok=True) == 1

    with unit_of_work(runtime.engine) as session:
        runs = list(session.scalars(select(DigestRun).order_by(DigestRun.period_start)))
        assert [r.period_end.day for r in runs] == [23, 30]
        run = runs[-1]
        assert (run.channel, run.ts, run.file_id) == (post.channel, post.ts, file_id)
        assert run.posted_at == clock()

    clock.advance(hours=1)
    assert tick(bot) is None
    assert len(digest_posts(bot.slack)) == 1


def test_a_missed_slot_is_posted_once_after_downtime(bot, clock):
    tick(bot)  # the first slot, recorded
    clock.advance(days=7)
    tick(bot)
    assert len(digest_posts(bot.slack)) == 1
    clock.now = datetime(2026, 12, 9, 12, tzinfo=UTC)  # down over the 7 December slot
    assert tick(bot) is not None
    restarted = Runtime(engine=bot.runtime.engine, config=bot.runtime.config, clock=clock)
    for _ in range(3):
        clock.advance(minutes=15)
        assert run_digest_tick(restarted) is None
        bot.deliver()
    posts = digest_posts(bot.slack)
    assert [p.metadata["event_payload"]["period_start"] for p in posts] == [  # type: ignore[index]
        "2026-11-23T09:00:00+00:00",
        "2026-11-30T09:00:00+00:00",
    ]


def worker_with(bot, timeout: float = 5) -> DeliveryWorker:
    rt = bot.runtime
    return build_worker(
        engine=rt.engine,
        config=rt.config,
        client=slack_client(bot.slack, timeout=timeout),
        clock=rt.clock,
    )


def outbox_row(bot, row_id: int) -> Outbox:
    with unit_of_work(bot.runtime.engine) as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        return row


def test_a_timeout_after_slack_posted_does_not_post_twice(bot, clock):
    bot.slack.state.add_fault("chat.postMessage", delay=3.0, apply_after=True, times=1)
    row_id = enqueue_now(engine=bot.runtime.engine, now=clock())
    worker = worker_with(bot, timeout=1.5)
    worker.run_once()
    row = outbox_row(bot, row_id)
    assert row.status == OUT_PENDING and row.maybe_sent
    assert len(digest_posts(bot.slack)) == 1  # Slack did post it

    clock.advance(seconds=5)
    worker.run_once()
    assert len(digest_posts(bot.slack)) == 1
    with unit_of_work(bot.runtime.engine) as session:
        [event] = events_of_kind(digests.POSTED_EVENT, session=session)
    assert event.data is not None and event.data["recovered"] is True
    # The retry reused the chart it had uploaded: no second upload, no spare file.
    assert bot.slack.state.count_calls("files.completeUploadExternal", ok=True) == 1
    assert bot.slack.state.count_calls("files.getUploadURLExternal") == 1


def test_a_failed_upload_is_retried_then_posted(bot, clock):
    bot.slack.state.add_fault("upload_url", status=500)
    row_id = enqueue_now(engine=bot.runtime.engine, now=clock())
    bot.deliver()
    assert digest_posts(bot.slack) == [] and outbox_row(bot, row_id).status == OUT_PENDING
    clock.advance(seconds=5)
    bot.deliver()
    [post] = digest_posts(bot.slack)
    file_id = image_file_id(post)
    assert file_id is not None and bot.slack.state.file(file_id).complete  # type: ignore[union-attr]


def test_without_the_files_scope_the_digest_goes_without_its_chart(bot, clock):
    bot.slack.state.add_fault("files.getUploadURLExternal", error="missing_scope")
    enqueue_now(engine=bot.runtime.engine, now=clock())
    bot.deliver()
    [post] = digest_posts(bot.slack)
    assert image_file_id(post) is None
    assert "chart could not be made" in rendered(post)


def test_an_image_slack_refuses_is_retried_then_dropped(bot, clock):
    # Slack may refuse an image block while it still processes a file it just received.
    bot.slack.state.add_fault("chat.postMessage", error="invalid_blocks", times=3)
    row_id = enqueue_now(engine=bot.runtime.engine, now=clock())
    for _ in range(2):
        bot.deliver()
        assert digest_posts(bot.slack) == [] and outbox_row(bot, row_id).status == OUT_PENDING
        clock.advance(seconds=6)
    bot.deliver()
    [post] = digest_posts(bot.slack)
    assert image_file_id(post) is None


def test_the_on_demand_digest_leaves_the_schedule_alone(bot, clock):
    enqueue_now(engine=bot.runtime.engine, now=clock())
    bot.deliver()
    assert len(digest_posts(bot.slack)) == 1
    with unit_of_work(bot.runtime.engine) as session:
        assert digests.latest_runs(session=session) == []
    start = (clock() - timedelta(days=7)).isoformat()
    assert digest_posts(bot.slack)[0].metadata["event_payload"]["period_start"] == start  # type: ignore[index]
