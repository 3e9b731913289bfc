"""The process's own counters (what this instance did), on a registry of its own.

Counted in process, because only this process sees them: intake answers and their latency,
delivery attempts and latency, Slack's 429s. What several instances share (outbox depth,
timer lag, failing destinations, decisions, SLA breaches, digest runs) is read from the
database at scrape time by `collector.DatabaseCollector`, so it is exact across instances
and survives restarts. Every metric is cheap to move: a dict look-up and an add, no I/O.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import Engine

from bot.clock import Clock
from bot.observability.collector import DatabaseCollector

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Intake answers within ~10 ms to a few seconds (the group commit); delivery latency runs
# from a row's queueing to its delivery, seconds to hours while a destination is down.
_INTAKE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_DELIVERY_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400)


class Metrics:
    """One registry and the counters this process moves. Each `Runtime` has its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._database: DatabaseCollector | None = None
        r = self.registry
        self.intake = Counter(
            "handshake_intake_requests",
            "Intake requests answered, by source (api or the configured source's name) "
            "and HTTP status of the answer",
            ["source", "answer"],
            registry=r,
        )
        self.intake_leads = Counter(
            "handshake_intake_leads",
            "Leads stored by intake, by what became of them (routed, nurture, duplicate, …)",
            ["status"],
            registry=r,
        )
        self.intake_seconds = Histogram(
            "handshake_intake_seconds",
            "Time to answer an intake request, by source",
            ["source"],
            buckets=_INTAKE_BUCKETS,
            registry=r,
        )
        self.delivery_attempts = Counter(
            "handshake_delivery_attempts",
            "Outbox rows attempted, by lane and outcome (delivered, retry, failed)",
            ["lane", "outcome"],
            registry=r,
        )
        self.delivery_seconds = Histogram(
            "handshake_delivery_seconds",
            "Time from an outbox row's queueing to its delivery, by lane",
            ["lane"],
            buckets=_DELIVERY_BUCKETS,
            registry=r,
        )
        self.rate_limited = Counter(
            "handshake_rate_limited",
            "429 answers, by Slack method (or outside job kind: webhook, hubspot, salesforce)",
            ["method"],
            registry=r,
        )

    def watch_database(self, engine: Engine, clock: Clock) -> None:
        """Add the figures read from the database at scrape time (once)."""
        if self._database is None:
            self._database = DatabaseCollector(engine, clock)
            self.registry.register(self._database)

    def render(self) -> bytes:
        """The Prometheus text format of everything registered."""
        return generate_latest(self.registry)
