"""Certificates issued (tenken certificate, inspect --certificates): which inspection, the record hash
it carried, where the file was written, when and by which station."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inspection_record_id", sa.String(32), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station", sa.Text),
        sa.Column("record_id", sa.String(32)),
        sa.Index("ix_certificates_inspection", "inspection_record_id"),
        sa.Index("ux_certificates_record_id", "record_id", unique=True),
    )


def downgrade() -> None:
    op.drop_table("certificates")
