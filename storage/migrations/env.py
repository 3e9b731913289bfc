"""Alembic environment. `handshake migrate` and `serve` hand it their engine
(storage.migrate); the `alembic` command line (alembic.ini, for the people who write
revisions) gets one from DATABASE_URL, a scratch database: see README, "Migrations"."""

import os

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.migrate import lock_setup

engine = context.config.attributes.get("engine")
own_engine = engine is None
if own_engine:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit(
            "alembic: set DATABASE_URL to a scratch database (README, 'Migrations'); "
            "it is never read from alembic.ini"
        )
    engine = make_engine(url)

try:
    with engine.begin() as connection:
        lock_setup(connection)  # another instance migrating: wait, then find the schema at head
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()
finally:
    if own_engine:
        engine.dispose()
