"""Answers you can stake a sale on: where each carrier answer came from (`origin`: the cache serves an
answer only to the origin it came from), whether its page was cut at the size cap, and the station's keyed
hash on every answer and every fact recorded by hand (`signed_by`, `signature`: store/signing.py).

Rows kept before this revision have neither: they stay readable as evidence, and the cache does not serve
them (the carrier is asked again once)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("lookups") as table:
        table.add_column(sa.Column("origin", sa.Text))
        table.add_column(sa.Column("body_cut", sa.Boolean, nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("signed_by", sa.String(16)))
        table.add_column(sa.Column("signature", sa.String(64)))
    with op.batch_alter_table("manual_facts") as table:
        table.add_column(sa.Column("signed_by", sa.String(16)))
        table.add_column(sa.Column("signature", sa.String(64)))
    op.execute("UPDATE lookups SET origin = 'manual' WHERE method = 'MANUAL'")


def downgrade() -> None:
    with op.batch_alter_table("manual_facts") as table:
        table.drop_column("signature")
        table.drop_column("signed_by")
    with op.batch_alter_table("lookups") as table:
        table.drop_column("signature")
        table.drop_column("signed_by")
        table.drop_column("body_cut")
        table.drop_column("origin")
