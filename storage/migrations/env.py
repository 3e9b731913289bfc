"""Alembic environment: the engine comes from storage.migrate, never from a URL here."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.migrate import lock_setup

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    lock_setup(connection)  # another instance migrating: wait, then find the schema at head
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
