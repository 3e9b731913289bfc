"""Alembic, driven from code: `handshake migrate` and `serve` call upgrade()."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SETUP_LOCK = 0x48534B_5345_5450  # pg_advisory_xact_lock key every instance shares


def lock_setup(connection: Connection) -> None:
    """Serialize what instances do at start (migrations, the roster) with others doing
    the same: on PostgreSQL a transaction-scoped advisory lock, released at commit or
    rollback; on SQLite every write transaction is BEGIN IMMEDIATE (storage.db), which
    already serializes them, so nothing is needed."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})


def alembic_config(engine: Engine) -> Config:
    config = _scripts()
    config.attributes["engine"] = engine
    return config


def _scripts() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema; safe to run on every start, and from several
    instances at once (migrations/env.py takes `lock_setup` first)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache  # the scripts shipped with the code do not change while it runs
def head_revision() -> str | None:
    """The newest migration shipped with this code."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_scripts()).get_current_head()


def migration_problem(engine: Engine) -> str | None:
    """Why the schema is not the one this code expects (not migrated, behind, ahead or
    unreadable), or None when it is at head."""
    try:
        current = current_revision(engine)
    except Exception as exc:
        return f"the schema version cannot be read: {type(exc).__name__}"
    head = head_revision()
    if current is None:
        return "the database is not migrated (run handshake migrate)"
    if current != head:
        return f"the database is at migration {current}, this code expects {head}"
    return None
