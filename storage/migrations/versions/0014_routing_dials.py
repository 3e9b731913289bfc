"""routing dials: weights, ramps, dials, timed away, Slack status, deactivation, and the
weighted round robin's passes (issue 15)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_PERSON = (
    sa.Column("weight", sa.Float(), nullable=False, server_default="1"),
    sa.Column("ramp_start", sa.Date(), nullable=True),
    sa.Column("ramp_weeks", sa.Integer(), nullable=True),
    sa.Column("dial_weight", sa.Float(), nullable=True),
    sa.Column("dial_until", sa.Date(), nullable=True),
    sa.Column("dial_by", _TEXT(), nullable=True),
    sa.Column("away_from", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column("away_to", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column("status_away", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("status_text", _TEXT(), nullable=True),
    sa.Column("deactivated", sa.Boolean(), nullable=False, server_default=sa.false()),
)


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        for column in _PERSON:
            batch.add_column(column)
    with op.batch_alter_table("person") as batch:  # the defaults were for the rows already there
        for column in _PERSON:
            if column.server_default is not None:
                batch.alter_column(column.name, server_default=None)
    with op.batch_alter_table("routingcursor") as batch:
        batch.add_column(sa.Column("passes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("routingcursor") as batch:
        batch.drop_column("passes")
    with op.batch_alter_table("person") as batch:
        for column in reversed(_PERSON):
            batch.drop_column(column.name)
