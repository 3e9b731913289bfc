"""queued clicks: a one-click button's work after its ack, done by the delivery process
(issue 12)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sqlmodel.sql.sqltypes.UTCDateTime
_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "queuedclick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _TEXT(length=255), nullable=False),
        sa.Column("action_id", _TEXT(), nullable=False),
        sa.Column("user_id", _TEXT(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("status", _TEXT(), nullable=False),
        sa.Column("queued_at", _WHEN(), nullable=False),
        sa.Column("started_at", _WHEN(), nullable=True),
        sa.Column("finished_at", _WHEN(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", _TEXT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(
        "ix_queuedclick_status_queued", "queuedclick", ["status", "queued_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_queuedclick_status_queued", table_name="queuedclick")
    op.drop_table("queuedclick")
