"""The metrics read from the database at scrape time: shared by every instance, so exact
across them (each instance's `/metrics` says the same), and they survive restarts.

Decisions, SLA breaches and digest runs are counted from the rows that record them (the
event log, `digestrun`) rather than in process: they happen in whichever instance took the
click or the tick, and a counter per process would lose them at each restart and make a
dashboard sum instances. The queries are in storage/metrics.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from bot.clock import Clock
from bot.config.webhooks import url_origin
from storage import metrics as q
from storage.clicks import clicks_waiting
from storage.db import brief_error, read_only
from storage.models import OUT_FAILED, OUT_PENDING, OUT_SENDING

log = logging.getLogger("handshake.metrics")

DECISIONS = {  # event kind → (stage, outcome)
    "accepted": ("handoff", "accepted"),
    "rejected": ("handoff", "rejected"),
    "handed_back": ("handoff", "handed_back"),
    "meeting_accepted": ("meeting", "accepted"),
    "meeting_sent_back": ("meeting", "sent_back"),
    "meeting_rejected": ("meeting", "rejected"),
}
BREACHES = (  # event kinds logged when an SLA deadline passed (nudge, escalation, reassignment)
    "nudged",
    "escalated",
    "reassigned",
    "follow_up_nudged",
    "follow_up_escalated",
    "meeting_nudged",
    "meeting_escalated",
    "dispute_reminded",
    "dispute_escalated",
)


def destination_label(lane: str, destination: str | None) -> str:
    """The Slack lane is "slack"; a webhook URL is cut to its scheme and host (its path or
    query may hold a token, and /metrics is not behind a login); a CRM keeps its name."""
    if not destination:
        return lane
    if "://" in destination:
        return url_origin(destination)
    return destination


def _age(now: datetime, then: datetime) -> float:
    """Seconds from `then` to `now`, never negative (SQLite hands datetimes back naive)."""
    aware = then if then.tzinfo else then.replace(tzinfo=UTC)
    return max((now - aware).total_seconds(), 0.0)


class DatabaseCollector(Collector):
    def __init__(self, engine: Engine, clock: Clock):
        self.engine, self.clock = engine, clock

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        """Every family built before any is given out: a failure half-way gives one
        `handshake_database_up 0`, never a second family of the same name."""
        try:
            families = list(self._collect())
        except Exception as exc:  # a scrape must answer; /readyz says why the database is out
            log.warning("metrics: the database could not be read: %s", brief_error(exc))
            up = GaugeMetricFamily("handshake_database_up", "1 when the scrape read the database")
            up.add_metric([], 0)
            families = [up]
        yield from families

    def _collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        now = self.clock()
        with read_only(self.engine) as session:
            depth = q.outbox_depth(session=session)
            oldest = q.oldest_due_timer(now, session=session)
            failing = q.failing_since(session=session)
            kinds = tuple(DECISIONS) + BREACHES
            events = q.event_counts(kinds, session=session)
            digests = q.digest_runs(session=session)
            clicks = clicks_waiting(session=session)
        up = GaugeMetricFamily("handshake_database_up", "1 when the scrape read the database")
        up.add_metric([], 1)
        yield up

        rows = GaugeMetricFamily(
            "handshake_outbox_rows",
            "Outbox rows not done, by lane, destination and state (pending, sending, failed)",
            labels=["lane", "destination", "state"],
        )
        # The Slack lane's states always show, 0 when empty; a destination once it has rows.
        states = (OUT_PENDING, OUT_SENDING, OUT_FAILED)
        totals = {("slack", "slack", state): 0 for state in states}
        for d in depth:
            key = (d.lane, destination_label(d.lane, d.destination), d.status)
            totals[key] = totals.get(key, 0) + d.rows
        for labels, n in sorted(totals.items()):
            rows.add_metric(list(labels), n)
        yield rows

        failed = GaugeMetricFamily(
            "handshake_outbox_failed_rows", "Outbox rows failed, waiting for an admin's Retry"
        )
        failed.add_metric([], sum(d.rows for d in depth if d.status == OUT_FAILED))
        yield failed

        waiting = GaugeMetricFamily(
            "handshake_clicks_waiting",
            "One-click buttons' work queued for the delivery process, not done yet",
        )
        waiting.add_metric([], clicks)
        yield waiting

        lag = GaugeMetricFamily(
            "handshake_timer_lag_seconds",
            "Age of the oldest due timer not yet fired (0 when none is due)",
        )
        lag.add_metric([], _age(now, oldest) if oldest else 0.0)
        yield lag

        since = GaugeMetricFamily(
            "handshake_destination_failing_seconds",
            "How long an outside destination has had rows failed or retried after an error "
            "(from its oldest such row's queueing)",
            labels=["lane", "destination"],
        )
        worst: dict[tuple[str, str], float] = {}
        for lane, destination, start in failing:
            key = (lane, destination_label(lane, destination))
            worst[key] = max(worst.get(key, 0.0), _age(now, start))
        for labels, seconds in sorted(worst.items()):
            since.add_metric(list(labels), seconds)
        yield since

        decisions = CounterMetricFamily(
            "handshake_decisions",
            "Decisions recorded (all instances), by stage and outcome",
            labels=["stage", "outcome"],
        )
        for kind, (stage, outcome) in DECISIONS.items():
            decisions.add_metric([stage, outcome], events[kind])
        yield decisions

        breaches = CounterMetricFamily(
            "handshake_sla_breaches",
            "SLA deadlines passed (all instances), by what was done: nudged, escalated, …",
            labels=["kind"],
        )
        for kind in BREACHES:
            breaches.add_metric([kind], events[kind])
        yield breaches

        digest = CounterMetricFamily(
            "handshake_digest_runs",
            "Weekly digest slots claimed (all instances): posted, skipped, waiting",
            labels=["outcome"],
        )
        for outcome, n in digests.items():
            digest.add_metric([outcome], n)
        yield digest
