"""Inspections and certificates signed like carrier answers (store/signing.py): an inspection's stored
facts decide later verdicts (the earlier read in use that makes an erased phone sellable, re-checks) and
a certificate is rendered again from both rows, so neither may be believed once edited. Rows kept before
this revision are unsigned: readable in history, not used to decide anything."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    for name in ("inspections", "certificates"):
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("signed_by", sa.String(16)))
            table.add_column(sa.Column("signature", sa.String(64)))


def downgrade() -> None:
    for name in ("certificates", "inspections"):
        with op.batch_alter_table(name) as table:
            table.drop_column("signature")
            table.drop_column("signed_by")
