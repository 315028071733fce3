"""The users who may log in to `tenken serve` from another machine: a name and its argon2id hash (never the
password), when and by whom it was added. Without a row here the page serves 127.0.0.1 only."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Text),
        sa.Index("ux_users_name", "name", unique=True),
    )


def downgrade() -> None:
    op.drop_table("users")
