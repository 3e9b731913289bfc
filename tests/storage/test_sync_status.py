"""The outside destinations an admin sees failing, and one destination's failed rows put
back, on both backends."""

from __future__ import annotations

from datetime import timedelta

from storage import outbox
from storage.db import unit_of_work
from storage.models import LANE_CRM, LANE_WEBHOOK, OUT_FAILED, OUT_PENDING
from storage.sync_status import failing_destinations

URL = "https://hooks.example/h"


def test_failing_destinations_and_retry_by_destination(engine, now):
    with unit_of_work(engine) as session:
        rows = [
            outbox.enqueue(kind, "x", session=session, now=now, lane=lane, destination=dest)
            for kind, lane, dest in [
                ("hubspot", LANE_CRM, "hubspot"),
                ("hubspot", LANE_CRM, "hubspot"),
                ("webhook", LANE_WEBHOOK, URL),
                ("webhook", LANE_WEBHOOK, URL),  # queued, never tried: not failing
            ]
        ]
        session.flush()
        outbox.mark_failed(rows[0], now, "first", session=session)
        rows[1].attempts = 2
        outbox.reschedule(
            rows[1], now + timedelta(minutes=1), timedelta(1), "second", session=session,
            maybe_sent=False,
        )  # fmt: skip
        rows[2].attempts = 1
        outbox.mark_failed(rows[2], now, "hook", session=session)
    with unit_of_work(engine) as session:
        found = {d.destination: d for d in failing_destinations(session=session)}
    assert set(found) == {"hubspot", URL}
    hub = found["hubspot"]
    assert (hub.lane, hub.failed, hub.retrying, hub.latest_error) == (LANE_CRM, 1, 1, "second")
    assert (found[URL].failed, found[URL].retrying) == (1, 0)

    with unit_of_work(engine) as session:
        assert outbox.retry_failed(session=session, now=now, destination="hubspot") == 1
    with unit_of_work(engine) as session:
        statuses = [outbox.get_row(r.id, session=session).status for r in rows]
    assert statuses == [OUT_PENDING, OUT_PENDING, OUT_FAILED, OUT_PENDING]
