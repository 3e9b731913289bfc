"""account domain: each lead's account key (the registrable domain of its company
domain, else of its email unless free mail), indexed; existing leads backfilled
(issue 15 §8)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-12 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.accounts import account_domain

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.add_column(
            sa.Column("account_domain", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
    op.create_index("ix_lead_account_domain", "lead", ["account_domain"], unique=False)
    _backfill()


def _backfill() -> None:
    """Every existing lead's key, in batches by id (bounded memory on a large table)."""
    conn = op.get_bind()
    lead = sa.table(
        "lead",
        sa.column("id", sa.Integer),
        sa.column("company_domain", sa.String),
        sa.column("email", sa.String),
        sa.column("account_domain", sa.String),
    )
    set_key = (
        sa.update(lead)
        .where(lead.c.id == sa.bindparam("lead_id"))
        .values(account_domain=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(lead.c.id, lead.c.company_domain, lead.c.email)
            .where(lead.c.id > last)
            .order_by(lead.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        keys = [
            {"lead_id": lead_id, "key": account_domain(company, email)}
            for lead_id, company, email in rows
        ]
        keys = [k for k in keys if k["key"] is not None]
        if keys:
            conn.execute(set_key, keys)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_lead_account_domain", table_name="lead")
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("account_domain")
