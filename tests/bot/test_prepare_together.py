"""N instances started together on an empty database all come up: the schema is built
once (at head, one version row) and the roster loaded once."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from bot.config import parse_config
from bot.server import prepare_database
from storage.db import make_engine, unit_of_work
from storage.migrate import alembic_config, current_revision
from storage.models import Person
from tests import factories as f
from tests.conftest import PG_ADMIN_URL

INSTANCES = 4


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails on CI) when PostgreSQL is down
    name = f"handshake_together_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def instance(url: str, start: Any) -> str | None:
    """One instance's start (a process: Alembic's context is one per process)."""
    start.wait()  # all at once
    engine = prepare_database(url, parse_config(f.config_data()))
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def test_instances_started_together_all_come_up(empty_url: str):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(INSTANCES, mp_context=context) as pool:
        start = manager.Barrier(INSTANCES)
        runs = [pool.submit(instance, empty_url, start) for _ in range(INSTANCES)]
        revisions = [run.result(timeout=120) for run in runs]  # raises if any failed
    engine = make_engine(empty_url)
    try:
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert revisions == [head] * INSTANCES
        with unit_of_work(engine) as session:
            versions = session.execute(text("SELECT count(*) FROM alembic_version")).scalar()
            people = session.execute(select(func.count()).select_from(Person)).scalar()
        assert (versions, people) == (1, len(f.PEOPLE))
    finally:
        engine.dispose()
