"""Two instances' intake writers routing to the same team at once (PostgreSQL): the second
batch waits for the first one's routing cursor and routes against what it committed, so a
rep's daily cap holds across instances."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bot.config import HandshakeConfig, parse_config
from bot.intake.batch import ingest_batch
from bot.intake.service import IntakeResult
from bot.intake.validate import LeadInput, validate_lead
from bot.server import prepare_database
from storage.db import unit_of_work
from tests import factories as f
from tests.helpers import wait_for

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


def roster() -> list[dict[str, Any]]:
    """Enterprise's round robin comes down to Ana, who takes two leads a day."""
    people = [dict(p) for p in f.PEOPLE]
    for person in people:
        if person["slack_id"] == f.ANA:
            person["capacity_per_day"] = 2
        if person["slack_id"] in (f.BEN, f.CARA):
            person["away_until"] = "2026-12-31"
    return people


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(f.config_data(people=roster()))


def lead(external_id: str) -> LeadInput:
    data, errors = validate_lead(f.lead_body(external_id=external_id, country="US"))
    assert data is not None, errors
    return data


def write(engine: Engine, config: HandshakeConfig, data: LeadInput) -> IntakeResult:
    with unit_of_work(engine) as session:
        [result] = ingest_batch([data], session=session, config=config, now=f.START)
    return result


def waiting_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return bool(waiting.scalar())


def test_a_batch_routes_against_the_batch_it_waited_for(engine, config):
    prepare_database(engine.url.render_as_string(hide_password=False), config).dispose()
    assert write(engine, config, lead("first")).body["owner"] == f.ANA  # the cursor exists

    held, release = threading.Event(), threading.Event()
    answers: dict[str, IntakeResult] = {}

    def first_instance() -> None:
        with unit_of_work(engine) as session:
            [answers["a"]] = ingest_batch([lead("a")], session=session, config=config, now=f.START)
            held.set()
            release.wait(10)  # routed, not yet committed

    def second_instance() -> None:
        answers["b"] = write(engine, config, lead("b"))

    a = threading.Thread(target=first_instance)
    a.start()
    assert held.wait(10)
    b = threading.Thread(target=second_instance)
    b.start()
    wait_for(lambda: waiting_on_a_lock(engine), timeout=10)  # b waits for a's cursor
    assert "b" not in answers
    release.set()
    a.join(10)
    b.join(10)

    assert answers["a"].body["owner"] == f.ANA  # her second lead today: her cap
    assert answers["b"].body["owner"] == f.MAYA  # not a third for Ana: the manager
    assert answers["b"].rule == "manager_fallback"
