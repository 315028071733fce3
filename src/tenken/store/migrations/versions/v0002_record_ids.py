"""record_id on every row: rows written from the spool, or again after a dropped connection, are
recognised and stored once. Rows from before this revision have none (NULL is never a duplicate)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    for table in ("lookups", "inspections"):
        op.add_column(table, sa.Column("record_id", sa.String(32)))
        op.create_index(f"ux_{table}_record_id", table, ["record_id"], unique=True)


def downgrade() -> None:
    for table in ("lookups", "inspections"):
        op.drop_index(f"ux_{table}_record_id", table)
        op.drop_column(table, "record_id")
