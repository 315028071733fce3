"""The shop's warranty period (保証期間) a certificate showed beside the grade, kept with it so that `tenken
verify` renders the same page again. Rows from before this revision have none (NULL): their certificates
showed none, and their signatures cover none."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        table.add_column(sa.Column("warranty", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as table:
        table.drop_column("warranty")
