"""Migrations and models cannot drift: after `upgrade`, autogenerate finds nothing to do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, inspect, text
from sqlmodel import SQLModel, select

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine, unit_of_work
from storage.migrate import alembic_config, current_revision, upgrade
from storage.models import Lead
from tests.conftest import PG_ADMIN_URL


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database with nothing in it, not even the schema."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("postgres_url")  # skips (or fails on CI) when PostgreSQL is down
    name = f"handshake_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def differences(engine: Engine, metadata: MetaData = SQLModel.metadata) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, metadata))


def head(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_upgrade_builds_exactly_the_models(empty_engine):
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head(empty_engine)
    assert differences(empty_engine) == []
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)


def test_the_comparison_would_catch_a_drift(empty_engine):
    upgrade(empty_engine)
    drifted = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["lead"].append_column(Column("shoe_size", Integer, nullable=True))
    diffs = differences(empty_engine, drifted)
    assert [d[0] for d in diffs if isinstance(d, tuple)] == ["add_column"]


def test_upgrade_twice_is_harmless(empty_engine):
    upgrade(empty_engine)
    now = datetime(2026, 11, 23, 14, tzinfo=UTC)
    with unit_of_work(empty_engine) as session:
        session.add(Lead(source="api", external_id="x-1", email="a@b.example", created_at=now,
                         updated_at=now))  # fmt: skip
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head(empty_engine)
    assert differences(empty_engine) == []
    with unit_of_work(empty_engine) as session:
        assert session.get(Lead, 1) is not None  # data kept


def test_0016_backfills_each_existing_leads_account_domain(empty_engine):
    upgrade(empty_engine, "0013")
    at = datetime(2026, 11, 1, tzinfo=UTC)
    leads = [  # (company_domain, email) → account_domain after the upgrade
        ("https://www.Acme.com/about", "jo@gmail.com", "acme.com"),
        ("shop.acme.co.uk", "jo@acme.co.uk", "acme.co.uk"),
        (None, "kim@eu.globex.example", "globex.example"),
        (None, "kim@yahoo.co.uk", None),
        ("", "kim@proton.me", None),
    ]
    with empty_engine.begin() as conn:
        for n, (company, email, _key) in enumerate(leads):
            conn.execute(
                text(
                    "INSERT INTO lead (source, external_id, email, company_domain, status, "
                    "created_at, updated_at) VALUES ('api', :x, :e, :c, 'routed', :t, :t)"
                ),
                {"x": f"m-{n}", "e": email, "c": company, "t": at},
            )
    upgrade(empty_engine)
    with unit_of_work(empty_engine) as session:
        stored = {
            lead.external_id: lead.account_domain for lead in session.exec(select(Lead)).all()
        }
    assert stored == {f"m-{n}": key for n, (_c, _e, key) in enumerate(leads)}
    assert differences(empty_engine) == []
