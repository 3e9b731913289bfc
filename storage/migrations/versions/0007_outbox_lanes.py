"""outbox lanes: slack, webhook and crm rows, with a destination and the lead they concern

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column(
                "lane",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="slack",
            )
        )
        batch.add_column(
            sa.Column("destination", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outbox_lead_id_lead", "lead", ["lead_id"], ["id"])
        batch.create_index(
            "ix_outbox_lane_status_next", ["lane", "status", "next_attempt_at"], unique=False
        )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("lane", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_lane_status_next")
        batch.drop_constraint("fk_outbox_lead_id_lead", type_="foreignkey")
        batch.drop_column("lead_id")
        batch.drop_column("destination")
        batch.drop_column("lane")
