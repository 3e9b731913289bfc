"""Migrations for the people who change the schema (issue 16 §6): the constraint naming
convention gives every constraint the name the database already has, and alembic.ini
drives the `alembic` command line against a scratch database named by DATABASE_URL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from storage.migrate import upgrade
from tests.storage.test_migrations import empty_engine  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = shutil.which("alembic", path=str(Path(sys.executable).parent)) or "alembic"


def metadata_names() -> set[tuple[str, str, str]]:
    """(table, kind, name) of every primary key, foreign key, unique constraint and index
    the models declare, named by the convention where the model gives no name."""
    names = set()
    for table in SQLModel.metadata.tables.values():
        names.add((table.name, "pk", str(table.primary_key.name)))
        names |= {(table.name, "fk", str(fk.name)) for fk in table.foreign_key_constraints}
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint":
                names.add((table.name, "uq", str(constraint.name)))
        names |= {(table.name, "ix", str(index.name)) for index in table.indexes}
    return names


def database_names(engine: Engine) -> set[tuple[str, str, str | None]]:
    inspector = inspect(engine)
    names: set[tuple[str, str, str | None]] = set()
    for table in SQLModel.metadata.tables:
        names.add((table, "pk", inspector.get_pk_constraint(table)["name"]))
        names |= {(table, "fk", fk["name"]) for fk in inspector.get_foreign_keys(table)}
        names |= {(table, "uq", uq["name"]) for uq in inspector.get_unique_constraints(table)}
        names |= {
            (table, "ix", ix["name"])
            for ix in inspector.get_indexes(table)
            if "duplicates_constraint" not in ix  # PostgreSQL: a unique constraint's index
        }
    return names


def test_every_constraint_in_the_models_has_a_name():
    assert all(name and name != "None" for _table, _kind, name in metadata_names())


def test_the_convention_names_constraints_as_the_migrated_database_does(empty_engine):  # noqa: F811
    upgrade(empty_engine)
    in_database = database_names(empty_engine)
    if empty_engine.dialect.name == "postgresql":
        # PostgreSQL named every constraint the migrations left unnamed: same names.
        assert in_database == metadata_names()
    else:
        # SQLite keeps no name for an unnamed constraint; every name it has is the model's.
        named = {row for row in in_database if row[2] is not None}
        assert named <= metadata_names()
        assert {r for r in named if r[1] == "ix"} == {r for r in metadata_names() if r[1] == "ix"}


def alembic(*args: str, url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run(
        [ALEMBIC, "-c", str(ROOT / "alembic.ini"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_alembic_ini_checks_the_models_against_a_scratch_database(empty_engine):  # noqa: F811
    url = empty_engine.url.render_as_string(hide_password=False)
    upgraded = alembic("upgrade", "head", url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    current = alembic("current", url=url)
    heads = alembic("heads", url=url)
    assert heads.stdout.split()[0] in current.stdout
    checked = alembic("check", url=url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


def test_alembic_check_fails_when_the_database_lags_the_models(empty_engine):  # noqa: F811
    url = empty_engine.url.render_as_string(hide_password=False)
    assert alembic("upgrade", "0012", url=url).returncode == 0
    checked = alembic("check", url=url)
    assert checked.returncode != 0


def test_alembic_without_a_database_url_says_so():
    done = alembic("check", url=None)
    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr
