"""Who issued a certificate, kept with it so that `tenken verify` renders the same page again: the shop's
name and its secondhand-dealer licence (古物商許可: the public-safety commission and the number), the
technician (担当者), and the address the QR code sends a buyer to (`certificate.verify_url`). Rows from
before this revision have none (NULL): their certificates showed none, and their signatures cover none."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

COLUMNS = ("shop_name", "licence_authority", "licence_number", "technician", "verify_url")


def upgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        for name in COLUMNS:
            table.add_column(sa.Column(name, sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        for name in reversed(COLUMNS):
            table.drop_column(name)
