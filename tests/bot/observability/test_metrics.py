"""`GET /metrics`: each metric moves when its event happens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import ids
from bot.scheduler import run_tick
from bot.server import build_worker
from bot.services.decisions import ACCEPT, decide
from storage import outbox
from storage.db import unit_of_work
from storage.digests import insert_run, mark_posted
from storage.models import LANE_WEBHOOK, TIMER_PENDING, Timer
from tests import factories as f
from tests.bot.observability.scrape import scrape, value
from tests.conftest import slack_client
from tests.helpers import cards_for, click_card, wait_for


def metered_worker(bot):
    """A Slack-lane worker counting into the bot's registry, as `serve` builds it."""
    return build_worker(
        engine=bot.runtime.engine,
        config=bot.runtime.config,
        client=slack_client(bot.slack),
        clock=bot.runtime.clock,
        metrics=bot.runtime.metrics,
    )


def pending_slack(samples) -> float:
    labels = {"lane": "slack", "destination": "slack", "state": "pending"}
    return value(samples, "handshake_outbox_rows", **labels)


def test_intake_counts_answers_by_source_and_status_and_times_them(bot):
    before = scrape(bot)
    assert bot.post_lead(f.lead_body()).status_code == 202
    assert bot.post_lead(f.lead_body(), token="wrong").status_code == 401
    assert bot.post_lead({"email": "not an address"}).status_code == 422
    assert bot.http.post("/api/sources/nope", json={}).status_code == 404
    after = scrape(bot)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("handshake_intake_requests_total", source="api", answer="202") == 1
    assert moved("handshake_intake_requests_total", source="api", answer="401") == 1
    assert moved("handshake_intake_requests_total", source="api", answer="422") == 1
    # a made-up source name is one label, whatever the name
    assert moved("handshake_intake_requests_total", source="unknown", answer="404") == 1
    assert moved("handshake_intake_seconds_count", source="api") == 3
    assert moved("handshake_intake_leads_total", status="routed") == 1


def test_delivery_moves_depth_attempts_and_latency(bot, clock):
    f.routed_handoff(bot, deliver=False)
    queued = scrape(bot)
    rows = pending_slack(queued)
    assert rows >= 2  # the owner's card and the channel's
    clock.advance(seconds=3)
    metered_worker(bot).run_once()
    after = scrape(bot)
    assert pending_slack(after) == 0
    delivered = value(after, "handshake_delivery_attempts_total", lane="slack", outcome="delivered")
    assert delivered == rows
    assert value(after, "handshake_delivery_seconds_count", lane="slack") == rows
    assert value(after, "handshake_delivery_seconds_sum", lane="slack") >= 3 * rows


def test_a_429_is_counted_by_method_and_as_a_retry(bot):
    f.routed_handoff(bot, deliver=False)
    bot.slack.state.add_fault("chat.postMessage", status=429, retry_after=7, times=1)
    metered_worker(bot).run_once()
    samples = scrape(bot)
    assert value(samples, "handshake_rate_limited_total", method="chat_postMessage") == 1
    assert value(samples, "handshake_delivery_attempts_total", lane="slack", outcome="retry") == 1


def test_a_failed_row_shows_in_failed_rows_and_depth(bot):
    f.routed_handoff(bot, deliver=False)
    assert value(scrape(bot), "handshake_outbox_failed_rows") == 0
    bot.slack.state.add_fault("chat.postMessage", error="channel_not_found", times=10)
    metered_worker(bot).run_once()
    samples = scrape(bot)
    failed = value(samples, "handshake_outbox_failed_rows")
    assert failed >= 1
    labels = {"lane": "slack", "destination": "slack", "state": "failed"}
    assert value(samples, "handshake_outbox_rows", **labels) == failed
    assert value(samples, "handshake_delivery_attempts_total", lane="slack", outcome="failed") == (
        failed
    )


def test_timer_lag_is_the_age_of_the_oldest_due_timer_and_a_nudge_is_a_breach(bot, clock):
    routed = f.routed_handoff(bot)
    assert value(scrape(bot), "handshake_timer_lag_seconds") == 0  # nothing due yet
    with unit_of_work(bot.runtime.engine) as session:
        query = select(Timer).where(Timer.handoff_id == routed.handoff.id)
        due = min(t.due_at for t in session.exec(query) if t.status == TIMER_PENDING)
    due = due if due.tzinfo else due.replace(tzinfo=clock().tzinfo)
    clock.advance(seconds=(due - clock()).total_seconds() + 90)
    samples = scrape(bot)
    assert value(samples, "handshake_timer_lag_seconds") == pytest.approx(90, abs=1)
    nudged = value(samples, "handshake_sla_breaches_total", kind="nudged")
    run_tick(bot.runtime)
    samples = scrape(bot)
    assert value(samples, "handshake_timer_lag_seconds") == 0
    assert value(samples, "handshake_sla_breaches_total", kind="nudged") == nudged + 1


def test_decisions_are_counted_by_outcome(bot):
    routed = f.routed_handoff(bot)
    labels = {"stage": "handoff", "outcome": "accepted"}
    assert value(scrape(bot), "handshake_decisions_total", **labels) == 0
    decide(routed.handoff.id, routed.handoff.owner_id, ACCEPT, runtime=bot.runtime)
    assert value(scrape(bot), "handshake_decisions_total", **labels) == 1
    assert value(scrape(bot), "handshake_decisions_total", stage="handoff", outcome="rejected") == 0


def test_digest_runs_are_counted_waiting_then_posted(bot, clock):
    now = clock()
    start = now - timedelta(days=7)
    with unit_of_work(bot.runtime.engine) as session:
        insert_run(start, now, session=session, now=now)
    samples = scrape(bot)
    assert value(samples, "handshake_digest_runs_total", outcome="waiting") == 1
    assert value(samples, "handshake_digest_runs_total", outcome="posted") == 0
    with unit_of_work(bot.runtime.engine) as session:
        mark_posted(start, session=session, now=now, channel=f.CHANNEL, ts="1.2", file_id=None)
    samples = scrape(bot)
    assert value(samples, "handshake_digest_runs_total", outcome="waiting") == 0
    assert value(samples, "handshake_digest_runs_total", outcome="posted") == 1


def test_a_failing_destination_shows_how_long_and_its_url_without_path(bot, clock):
    url = "https://hooks.example.com/catch/SECRETPATH?token=abc"
    with unit_of_work(bot.runtime.engine) as session:
        row = outbox.enqueue(
            "webhook", "channel", session=session, now=clock(), lane=LANE_WEBHOOK, destination=url
        )
        row.attempts = 1
        outbox.reschedule(
            row, clock(), timedelta(minutes=1), "HTTP 500", session=session, maybe_sent=True
        )
    clock.advance(minutes=20)
    response = bot.http.get("/metrics")
    assert "SECRETPATH" not in response.text and "token=abc" not in response.text
    samples = scrape(bot)
    labels = {"lane": "webhook", "destination": "https://hooks.example.com"}
    assert value(samples, "handshake_destination_failing_seconds", **labels) == 20 * 60
    pending = {**labels, "state": "pending"}
    assert value(samples, "handshake_outbox_rows", **pending) == 1


def test_each_runtime_has_its_own_registry(bot, runtime):
    """No global registry: another Runtime's counters are its own."""
    assert bot.post_lead(f.lead_body()).status_code == 202
    text = runtime.metrics.render().decode()
    assert 'handshake_intake_requests_total{answer="202",source="api"}' not in text


def test_clicks_waiting_for_the_delivery_process_are_counted_until_done(deferring_bot):
    bot = deferring_bot
    bot.clicks.stop()  # the test runs the queued clicks itself
    assert value(scrape(bot), "handshake_clicks_waiting") == 0
    handoff = f.routed_handoff(bot).handoff
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(handoff.owner_id), handoff.id)[0]
    click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    wait_for(lambda: value(scrape(bot), "handshake_clicks_waiting") == 1)
    assert bot.clicks.run_pending() == 1
    assert value(scrape(bot), "handshake_clicks_waiting") == 0


def test_a_scrape_that_fails_half_way_says_database_down_once(bot, monkeypatch):
    """Families are all built before any is given out: never two of one name."""
    from bot.observability import collector

    def broken(*args, **kwargs):
        raise RuntimeError("half-way")

    monkeypatch.setattr(collector.q, "event_counts", broken)
    text = bot.http.get("/metrics").text
    samples = [line for line in text.splitlines() if line.startswith("handshake_database_up")]
    assert samples == ["handshake_database_up 0.0"]
    assert "handshake_outbox_rows" not in text


def test_a_database_error_is_logged_without_a_leads_values(engine):
    """Engines hide a statement's parameters, and a log line keeps the driver's first line
    only (PostgreSQL's DETAIL quotes the failing row)."""
    import sqlalchemy

    from storage.db import brief_error
    from storage.models import Lead

    with pytest.raises(sqlalchemy.exc.DBAPIError) as caught, engine.begin() as conn:
        conn.execute(
            sqlalchemy.insert(Lead.__table__),  # type: ignore[attr-defined]
            {"email": "secret.person@private-corp.example"},  # required columns missing
        )
    assert "[parameters:" not in str(caught.value) or "hidden" in str(caught.value)
    said = brief_error(caught.value)
    assert "secret.person" not in said and ("null" in said.lower() or "NOT NULL" in said)
