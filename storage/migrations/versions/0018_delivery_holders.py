"""delivery holders: who took an outbox row (`outbox.claimed_by`) and a queued click
(`queuedclick.taken_by`), so that a delivery process started again by its parent takes
back at once what its predecessor left in flight (issue 12)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOLDER = sqlmodel.sql.sqltypes.AutoString(length=100)


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_by", _HOLDER, nullable=True))
    op.add_column("queuedclick", sa.Column("taken_by", _HOLDER, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("queuedclick") as batch:
        batch.drop_column("taken_by")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_by")
