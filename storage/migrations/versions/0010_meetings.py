"""meetings: the SDR → AE stage (the meeting, the SDR's criteria answers, the AE's
decision), and timers that count a meeting's clock

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("sdr_id", _TEXT(), nullable=False),
        sa.Column("ae_id", _TEXT(), nullable=False),
        sa.Column("ae_rule", _TEXT(), nullable=False),
        sa.Column("meeting_at", _AT(), nullable=False),
        sa.Column("criteria_version", _TEXT(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("note", _TEXT(), nullable=True),
        sa.Column("status", _TEXT(), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("due_at", _AT(), nullable=False),
        sa.Column("decided_at", _AT(), nullable=True),
        sa.Column("decided_by", _TEXT(), nullable=True),
        sa.Column("reason_code", _TEXT(), nullable=True),
        sa.Column("reason_label", _TEXT(), nullable=True),
        sa.Column("failed_criterion", _TEXT(), nullable=True),
        sa.Column("decision_note", _TEXT(), nullable=True),
        sa.Column("ae_channel", _TEXT(), nullable=True),
        sa.Column("ae_ts", _TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.ForeignKeyConstraint(["sdr_id"], ["person.slack_id"]),
        sa.ForeignKeyConstraint(["ae_id"], ["person.slack_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting") as batch:
        batch.create_index("ix_meeting_handoff_id", ["handoff_id"], unique=False)
        batch.create_index("ix_meeting_lead_id", ["lead_id"], unique=False)
        batch.create_index("ix_meeting_created_at", ["created_at"], unique=False)
        batch.create_index("ix_meeting_ae_status", ["ae_id", "status"], unique=False)
        batch.create_index("ix_meeting_sdr_status", ["sdr_id", "status"], unique=False)
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_timer_meeting_id_meeting", "meeting", ["meeting_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.drop_constraint("fk_timer_meeting_id_meeting", type_="foreignkey")
        batch.drop_column("meeting_id")
    op.drop_table("meeting")
