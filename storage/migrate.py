"""Alembic, driven from code: `handshake migrate` and `serve` call upgrade()."""

from __future__ import annotations

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
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema; safe to run on every start, and from several
    instances at once (migrations/env.py takes `lock_setup` first)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
