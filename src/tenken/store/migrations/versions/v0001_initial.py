"""The schema as `metadata.create_all` made it before tenken had migrations (tenken ≤ 0.x).

Databases made that way carry no alembic_version table; tenken stamps them at this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "lookups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("imei", sa.String(16), nullable=False),
        sa.Column("carrier", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("raw_mark", sa.Text),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("method", sa.String(8)),
        sa.Column("http_status", sa.Integer),
        sa.Column("content_type", sa.Text),
        sa.Column("sha256", sa.String(64)),
        sa.Column("body", sa.LargeBinary),
    )
    op.create_index("ix_lookups_imei_carrier_time", "lookups", ["imei", "carrier", "checked_at"])
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("device_id", sa.Text, nullable=False),
        sa.Column("usb_location", sa.Text),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imei", sa.String(16)),
        sa.Column("imei2", sa.String(16)),
        sa.Column("facts_json", sa.Text, nullable=False),
    )
    op.create_index("ix_inspections_imei", "inspections", ["imei"])


def downgrade() -> None:
    op.drop_table("inspections")
    op.drop_table("lookups")
