"""Weighted routing through intake with dials, ramps and the end-of-quarter boost on fixed
dates: a dial changes the split, its end restores it (and the person is told once)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from bot.scheduler import DIALS_JOB_ID, run_dial_expiry, start_scheduler
from bot.services.dials import expire_dials
from storage import dials as store
from storage.db import unit_of_work
from storage.events import events_of_kind
from storage.models import Outbox
from storage.people import get_person
from tests import factories as f
from tests.handlers.test_dial_command import answer
from tests.helpers import dm_messages

AES = (f.ANA, f.BEN, f.CARA)  # the enterprise AEs, in roster order


def split(bot, n: int) -> Counter[str]:
    owners = Counter()
    for _ in range(n):
        created = bot.post_lead(f.lead_body())
        assert created.status_code == 202, created.text
        owners[created.json()["owner"]] += 1
    return owners


def expected(weights: dict[str, float], n: int) -> Counter[str]:
    total = sum(weights.values())
    return Counter({k: round(n * w / total) for k, w in weights.items() if w})


def test_a_dial_changes_the_split_and_its_end_restores_it(bot, clock):
    assert split(bot, 30) == expected(dict.fromkeys(AES, 1), 30)
    answer(bot, f.ANA, "dial 3 until 2026-11-23")  # today: ends tomorrow
    assert split(bot, 50) == expected({f.ANA: 3, f.BEN: 1, f.CARA: 1}, 50)  # 30 / 10 / 10

    clock.advance(days=1)
    assert run_dial_expiry(bot.runtime) == 1
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.ANA, session=session).dial_weight is None
    assert split(bot, 30) == expected(dict.fromkeys(AES, 1), 30)

    bot.deliver()
    told = [m.text for m in dm_messages(bot.slack, f.ANA) if "dial" in m.text]
    assert told == [
        "Your dial (weight 3, last day 2026-11-23) has ended: you are back to your roster "
        "weight, 1. `/handshake dial` shows your weight and why."
    ]


def test_a_managers_dial_ends_with_a_word_to_both_exactly_once(bot, clock):
    answer(bot, f.MAYA, f"dial <@{f.BEN}> 0 until 2026-11-24")
    clock.advance(days=1)
    assert expire_dials(bot.runtime) == 0  # its last day: still in force
    clock.advance(days=1)
    assert expire_dials(bot.runtime) == 1
    assert expire_dials(bot.runtime) == 0  # a second run (or instance) finds nothing
    bot.deliver()
    to_ben = [m.text for m in dm_messages(bot.slack, f.BEN) if "has ended" in m.text]
    to_maya = [m.text for m in dm_messages(bot.slack, f.MAYA) if "dial" in m.text]
    assert len(to_ben) == 1 and "Your dial (weight 0, last day 2026-11-24)" in to_ben[0]
    assert to_maya == [
        "The dial you set for Ben Brooks (weight 0, last day 2026-11-24) has ended: "
        "they are back to their roster weight, 1."
    ]
    with unit_of_work(bot.runtime.engine) as session:
        ended = events_of_kind("dial_ended", session=session)
    assert [(e.data["person"], e.data["by"]) for e in ended] == [(f.BEN, f.MAYA)]


def test_of_two_instances_expiring_at_once_only_one_tells(bot, clock):
    """Instance A read the expired dial; B cleared it and told Ben first: A's
    compare-and-set finds the dial changed and queues nothing."""
    answer(bot, f.BEN, "dial 2 until 2026-11-23")
    clock.advance(days=1)
    with unit_of_work(bot.runtime.engine) as session:
        stale = store.dials_ending_before(clock().date(), session=session)
    assert [row.slack_id for row in stale] == [f.BEN]
    assert expire_dials(bot.runtime) == 1  # instance B
    with unit_of_work(bot.runtime.engine) as session:
        assert not store.clear_if_unchanged(stale[0], session=session)  # instance A
        dms = [
            row
            for row in session.exec(select(Outbox)).all()
            if (row.payload or {}).get("template") == "dial_ended"
        ]
    assert len(dms) == 1


def test_a_dial_set_again_before_the_job_runs_is_not_cleared(bot, clock):
    answer(bot, f.BEN, "dial 2 until 2026-11-23")
    clock.advance(days=1)
    with unit_of_work(bot.runtime.engine) as session:
        stale = store.dials_ending_before(clock().date(), session=session)
    answer(bot, f.BEN, "dial 3 until 2026-11-30")  # dialed again in between
    with unit_of_work(bot.runtime.engine) as session:
        assert not store.clear_if_unchanged(stale[0], session=session)
        assert get_person(f.BEN, session=session).dial_weight == 3.0


def test_the_scheduler_runs_the_dial_expiry(runtime):
    scheduler = start_scheduler(runtime, tick_seconds=60)
    try:
        job = scheduler.get_job(DIALS_JOB_ID)
        assert job is not None and job.args == (runtime,)
    finally:
        scheduler.shutdown(wait=True)
