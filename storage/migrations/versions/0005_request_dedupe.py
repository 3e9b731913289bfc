"""request dedupe: index seenrequest.at so handled Slack requests can be pruned by age

Slack clicks, form submissions and slash commands are de-duplicated through the existing
seenrequest table (it already held event ids); this adds the index the pruning uses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("seenrequest", schema=None) as batch_op:
        batch_op.create_index("ix_seenrequest_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seenrequest", schema=None) as batch_op:
        batch_op.drop_index("ix_seenrequest_at")
