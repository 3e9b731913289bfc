"""contract records: each qualification contract loaded, in order (issue 14 §4)

Revision ID: 0013
Revises: 0010 (for now: the integrator sets 0012 once 0011 and 0012 are merged)
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contractrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("previous_id"),
    )
    op.create_index("ix_contractrecord_version", "contractrecord", ["version"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contractrecord_version", table_name="contractrecord")
    op.drop_table("contractrecord")
