"""The log of contract changes (issue 14 §4): the first contract recorded, a change's
`contract_changed` event with its diff and its one channel post, nothing when nothing
changed, and exactly once with several instances recording at the same moment."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import select

from bot.config import parse_config
from bot.runtime import Runtime
from bot.services.contract_log import record_contract
from storage.contract_log import CONTRACT_POST
from storage.db import make_engine, read_only
from storage.models import ContractRecord, Event, Outbox
from tests import factories as f

INSTANCES = 4


def contract(**changes: Any) -> dict[str, Any]:
    return {**f.CONFIG["contract"], **changes}


NEXT = contract(
    version="2026-12",
    min_score=70,
    signals=[s for s in f.CONFIG["contract"]["signals"] if s["name"] != "Requested a demo"]
    + [{"name": "Requested a demo", "activity": "demo_request", "qualifies": True},
       {"name": "Read *the* <guide>", "activity": "page_view", "detail_contains": "/guide"}],
    require=["email", {"employees": {"min": 200}}],
)  # fmt: skip


def rows(engine) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, int]]]:
    """The contract_changed events' data, the posts' payloads, the records (id, previous)."""
    with read_only(engine) as session:
        events = session.exec(select(Event).where(Event.kind == "contract_changed")).all()
        posts = session.exec(select(Outbox).where(Outbox.kind == CONTRACT_POST)).all()
        records = session.exec(select(ContractRecord).order_by(ContractRecord.id)).all()
        return (
            [dict(e.data or {}) for e in events],
            [dict(p.payload or {}) for p in posts],
            [(r.id or 0, r.previous_id) for r in records],
        )


def test_first_contract_recorded_without_a_post_then_a_change_once(runtime, worker, slack):
    assert record_contract(runtime)  # the first: an event, every rule new, no post
    assert not record_contract(runtime)  # the same again (a restart): nothing
    events, posts, records = rows(runtime.engine)
    assert [e["previous_version"] for e in events] == [None]
    assert events[0]["changes"][0] == {"kind": "min_score", "from": None, "to": 60.0}
    assert posts == [] and len(records) == 1

    runtime.swap_config(parse_config(f.config_data(contract=NEXT)))
    assert record_contract(runtime)
    assert not record_contract(runtime)
    events, posts, records = rows(runtime.engine)
    assert len(events) == 2 and len(posts) == 1 and len(records) == 2
    assert events[1]["version"] == "2026-12"
    assert events[1]["previous_version"] == "2026-11"
    assert events[1]["changes"] == [
        {"kind": "min_score", "from": 60.0, "to": 70.0},
        {"kind": "signal_added", "name": "Read *the* <guide>"},
        {"kind": "require_added", "rule": "email"},
        {"kind": "require_added", "rule": "employees ≥ 200"},
    ]
    assert posts == [events[1]]  # the post carries the event's diff
    assert records[1][1] == records[0][0]

    worker.run_once()
    texts = [m.text for m in slack.state.messages(f.CHANNEL)]
    assert texts == [
        "Contract 2026-12: min_score 60 → 70; new signal *Read *the* &lt;guide&gt;*; "
        "requires *email*; requires *employees ≥ 200*"
    ]


def test_back_to_an_earlier_contract_is_a_change_too(runtime):
    first = runtime.config
    record_contract(runtime)
    runtime.swap_config(parse_config(f.config_data(contract=NEXT)))
    record_contract(runtime)
    runtime.swap_config(first)
    assert record_contract(runtime)
    events, posts, _ = rows(runtime.engine)
    assert [e["version"] for e in events] == ["2026-11", "2026-12", "2026-11"]
    assert len(posts) == 2


def test_instances_recording_together_record_once(engine, config, clock):
    """Two or more runtimes on one database (PostgreSQL: the unique key decides; SQLite:
    its write lock), all starting with the new contract at the same moment."""
    url = engine.url.render_as_string(hide_password=False)
    record_contract(Runtime(engine=engine, config=config, clock=clock))  # the last recorded
    new = parse_config(f.config_data(contract=NEXT))
    engines = [make_engine(url) for _ in range(INSTANCES)]
    start = threading.Barrier(INSTANCES)
    results: list[bool] = []

    def instance(one) -> None:
        runtime = Runtime(engine=one, config=new, clock=clock)
        start.wait()
        results.append(record_contract(runtime))

    threads = [threading.Thread(target=instance, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for one in engines:
        one.dispose()
    assert sorted(results) == [False] * (INSTANCES - 1) + [True]
    events, posts, records = rows(engine)
    assert len(events) == 2 and len(posts) == 1 and len(records) == 2


def test_a_lost_race_rolls_back_and_reads_again(engine, config, clock, monkeypatch):
    """The compare-and-set itself: an instance that read the last record before another
    recorded its successor fails on the unique key, and then sees the new record."""
    import bot.services.contract_log as log

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite: every write transaction holds the write lock from its start")
    first = Runtime(engine=engine, config=config, clock=clock)
    record_contract(first)
    new = parse_config(f.config_data(contract=NEXT))
    stale = log.latest_record
    calls = {"n": 0}

    def late(*, session):
        found = stale(session=session)
        if calls["n"] == 0:  # the other instance records between our read and our insert
            calls["n"] += 1
            other = make_engine(engine.url.render_as_string(hide_password=False))
            try:
                assert record_contract(Runtime(engine=other, config=new, clock=clock))
            finally:
                other.dispose()
        return found

    monkeypatch.setattr(log, "latest_record", late)
    assert not record_contract(Runtime(engine=engine, config=new, clock=clock))
    assert calls["n"] == 1
    events, posts, records = rows(engine)
    assert len(events) == 2 and len(posts) == 1 and len(records) == 2
