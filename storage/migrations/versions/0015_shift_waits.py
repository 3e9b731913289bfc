"""on-shift routing: a lead that waits for the first shift to start (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "leadwait",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("arrived_at", _WHEN(), nullable=False),
        sa.Column("give_up_at", _WHEN(), nullable=False),
        sa.Column("due_at", _WHEN(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=True),
        sa.Column("fired_at", _WHEN(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_leadwait_lead_id", "leadwait", ["lead_id"], unique=False)
    op.create_index("ix_leadwait_status_due", "leadwait", ["status", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_leadwait_status_due", table_name="leadwait")
    op.drop_index("ix_leadwait_lead_id", table_name="leadwait")
    op.drop_table("leadwait")
