"""What a certificate shows besides the inspection, kept with it so that `tenken verify` renders the same
page again: its language, whether the IMEIs are shown in full, the tenken that wrote it and the channel
titles it printed (the policy's words at the time). Rows from before this revision have none: those
certificates cannot be rendered again and are issued anew."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        table.add_column(sa.Column("lang", sa.String(8)))
        table.add_column(sa.Column("full_imei", sa.Boolean))
        table.add_column(sa.Column("tenken_version", sa.String(32)))
        table.add_column(sa.Column("channels_json", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        for column in ("channels_json", "tenken_version", "full_imei", "lang"):
            table.drop_column(column)
