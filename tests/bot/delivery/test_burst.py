"""A burst across 8 owners' DMs and the hand-off channel at once: with Slack failing on
purpose (429s, 5xx, timeouts after success) every card arrives exactly once and each
channel's cards in order; two workers on one PostgreSQL database share the work without
sending a row twice, and keep one channel's limit together."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlmodel import select

from bot.config import HandshakeConfig, parse_config
from bot.server import build_worker
from storage.db import unit_of_work
from storage.models import OUT_DONE, Handoff, Outbox
from tests import factories as f
from tests.conftest import slack_client

OWNERS = [f"U0BRST{i:03d}" for i in range(1, 9)]


@pytest.fixture
def config() -> HandshakeConfig:
    """The test roster, with a team of 8 owners for the leads from Canada."""
    data = f.config_data()
    data["people"] = [
        *data["people"],
        *(
            {
                "slack_id": u,
                "name": f"Owner {i}",
                "email": f"owner{i}@example.com",
                "role": "ae",
                "team": "burst",
            }
            for i, u in enumerate(OWNERS, 1)
        ),
    ]
    data["teams"] = [
        {"name": "enterprise", "manager": f.MAYA, "countries": ["US"]},
        {"name": "emea", "manager": f.MAX, "countries": ["DE", "FR", "GB"]},
        {"name": "burst", "manager": f.MAYA, "countries": ["CA"]},
    ]
    return parse_config(data)


@pytest.fixture
def owners_in_slack(slack):
    for i, user in enumerate(OWNERS, 1):
        slack.state.add_user(user, f"owner{i}", real_name=f"Owner {i}", tz="UTC")
    return slack


def burst(bot, leads: int) -> list[Handoff]:
    for _ in range(leads):
        assert bot.post_lead(f.lead_body(country="CA")).status_code == 202
    with unit_of_work(bot.runtime.engine) as session:
        handoffs = list(session.exec(select(Handoff).order_by(Handoff.id)).all())
    assert Counter(h.owner_id for h in handoffs) == Counter({u: leads // 8 for u in OWNERS})
    return handoffs


def posted(slack, channel: str) -> list[tuple[int, str]]:
    """(hand-off id, card) of the cards in a channel, in the order Slack stored them."""
    found = []
    for message in slack.state.messages(channel):
        payload = (message.metadata or {}).get("event_payload") or {}
        if "card" in payload:
            found.append((payload["handoff_id"], payload["card"]))
    return found


def outbox(bot) -> list[Outbox]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def assert_each_card_once_and_in_order(slack, handoffs: list[Handoff]) -> None:
    channel = posted(slack, f.CHANNEL)
    assert channel == [(h.id, "channel") for h in handoffs]  # once each, in order
    for owner in OWNERS:
        dms = posted(slack, slack.state.dm_channel_id(owner))
        assert dms == [(h.id, "owner") for h in handoffs if h.owner_id == owner]


def test_a_burst_with_429s_5xx_and_timeouts_posts_every_card_once_in_order(
    bot, runtime, clock, owners_in_slack
):
    slack = owners_in_slack
    handoffs = burst(bot, 24)  # 3 cards in each owner's DM, 24 in the hand-off channel
    slack.state.rate_limit(True, per_second=1.0, burst=3)  # on the test's clock
    faults: list[dict[str, Any]] = [
        {"status": 429, "retry_after": 2},
        {"status": 500},
        {"delay": 1.5, "apply_after": True},  # Slack posted it; our client gave up
        {"status": 503},
        {"status": 429, "retry_after": 1},
        {"delay": 1.5, "apply_after": True},
        {"status": 502},
    ]
    for fault in faults:
        slack.state.add_fault("chat.postMessage", **fault)
    worker = build_worker(
        engine=runtime.engine,
        config=runtime.config,
        client=slack_client(slack, timeout=0.5),
        clock=clock,
        paced=False,  # the stand-in's limit, on the test's clock, answers 429s instead
    )
    for _ in range(80):
        worker.run_once()
        if all(row.status == OUT_DONE for row in outbox(bot)):
            break
        clock.advance(seconds=2)
    assert all(row.status == OUT_DONE for row in outbox(bot))
    assert not slack.state.faults.pending()  # every fault was met
    statuses = Counter(c.status for c in slack.state.calls("chat.postMessage"))
    assert statuses[429] >= 2 and statuses[500] + statuses[502] + statuses[503] == 3
    assert any(row.maybe_sent for row in outbox(bot))  # the timeouts were looked up
    assert_each_card_once_and_in_order(slack, handoffs)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_two_workers_on_postgresql_send_each_row_once_within_one_channel_limit(
    bot, runtime, clock, owners_in_slack
):
    slack = owners_in_slack
    handoffs = burst(bot, 16)
    slack.state.now = time.time  # Slack's limit on real time, as the workers' pacing
    slack.state.rate_limit(True, per_second=1.0, burst=3)
    workers = [
        build_worker(
            engine=runtime.engine,
            config=runtime.config,
            client=slack_client(slack),
            clock=clock,
        )
        for _ in range(2)
    ]
    done = threading.Event()
    errors: list[BaseException] = []

    def drain(worker) -> None:
        try:
            while not done.is_set():
                worker.run_once()
                time.sleep(0.05)
        except BaseException as exc:  # shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(r.status != OUT_DONE for r in outbox(bot)):
            time.sleep(0.2)
    finally:
        done.set()
        for thread in threads:
            thread.join(30)
    assert not errors
    assert all(row.status == OUT_DONE for row in outbox(bot))
    calls = slack.state.calls("chat.postMessage")
    assert [c.status for c in calls if c.status != 200] == []  # paced ahead: no 429
    assert len(calls) == 2 * len(handoffs)  # no row sent twice
    assert_each_card_once_and_in_order(slack, handoffs)
