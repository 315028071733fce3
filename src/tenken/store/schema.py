"""The tables, as the newest migration leaves them (a test compares the two on SQLite and PostgreSQL).

`HEAD` names that migration, so a database already at head is recognised without importing Alembic.
"""

from __future__ import annotations

import sqlalchemy as sa

FIRST = "0001"  # the schema `metadata.create_all` made before tenken had migrations
HEAD = "0002"  # record_id on every row

metadata = sa.MetaData()

lookups = sa.Table(
    "lookups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("imei", sa.String(16), nullable=False),
    sa.Column("carrier", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(24), nullable=False),
    sa.Column("raw_mark", sa.Text),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("method", sa.String(8)),
    sa.Column("http_status", sa.Integer),
    sa.Column("content_type", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("body", sa.LargeBinary),
    sa.Column("record_id", sa.String(32)),  # new rows: a uuid4; stored once however often written
    sa.Index("ix_lookups_imei_carrier_time", "imei", "carrier", "checked_at"),
    sa.Index("ux_lookups_record_id", "record_id", unique=True),
)

inspections = sa.Table(
    "inspections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("device_id", sa.Text, nullable=False),
    sa.Column("usb_location", sa.Text),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imei", sa.String(16)),
    sa.Column("imei2", sa.String(16)),
    sa.Column("facts_json", sa.Text, nullable=False),
    sa.Column("record_id", sa.String(32)),
    sa.Index("ix_inspections_imei", "imei"),
    sa.Index("ux_inspections_record_id", "record_id", unique=True),
)
