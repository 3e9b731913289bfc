"""handoff insights: what sales learned about the buyer on a Reject, Hand back or
Disqualify after contact (persona, decision role, main objection; config codes)

Revision ID: 0012
Revises: 0010 (0011 once the disputes migration is merged)
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_COLUMNS = ("persona", "decision_role", "objection")


def upgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, _TEXT(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
