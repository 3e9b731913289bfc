"""disputes: a marketer's challenge of a Reject or Hand back and the manager's ruling,
and timers that count a dispute's clock

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("disputed_by", _TEXT(), nullable=False),
        sa.Column("why", _TEXT(), nullable=False),
        sa.Column("manager_id", _TEXT(), nullable=False),
        sa.Column("status", _TEXT(), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("settled_at", _AT(), nullable=True),
        sa.Column("settled_by", _TEXT(), nullable=True),
        sa.Column("settle_note", _TEXT(), nullable=True),
        sa.Column("new_handoff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.ForeignKeyConstraint(["disputed_by"], ["person.slack_id"]),
        sa.ForeignKeyConstraint(["new_handoff_id"], ["handoff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_id", name="uq_dispute_handoff"),
    )
    op.create_index("ix_dispute_lead_id", "dispute", ["lead_id"])
    op.create_index("ix_dispute_created", "dispute", ["created_at"])
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("dispute_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_timer_dispute_id_dispute", "dispute", ["dispute_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.drop_constraint("fk_timer_dispute_id_dispute", type_="foreignkey")
        batch.drop_column("dispute_id")
    op.drop_index("ix_dispute_created", table_name="dispute")
    op.drop_index("ix_dispute_lead_id", table_name="dispute")
    op.drop_table("dispute")
