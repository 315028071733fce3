"""An inspection is stored as one unit: who inspected it where, under which policy, with what verdict
per channel, linked to the carrier answers it used; and facts a technician recorded by hand."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("inspections") as table:
        table.add_column(sa.Column("serial", sa.Text))
        table.add_column(sa.Column("station", sa.Text))
        table.add_column(sa.Column("tenken_version", sa.String(32)))
        table.add_column(sa.Column("policy_name", sa.Text))
        table.add_column(sa.Column("policy_sha256", sa.String(64)))
        table.add_column(sa.Column("stock_no", sa.Text))
        table.add_column(sa.Column("finished_at", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("verdicts_json", sa.Text))
        table.add_column(sa.Column("inspection_json", sa.Text))
    op.create_index("ix_inspections_serial", "inspections", ["serial"])
    op.create_index("ix_inspections_imei2", "inspections", ["imei2"])
    op.create_index("ix_inspections_read_at", "inspections", ["read_at"])
    op.create_table(
        "inspection_lookups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inspection_record_id", sa.String(32), nullable=False),
        sa.Column("lookup_record_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32)),
        sa.Index("ix_inspection_lookups_inspection", "inspection_record_id"),
        sa.Index("ux_inspection_lookups_record_id", "record_id", unique=True),
    )
    op.create_table(
        "manual_facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("serial", sa.Text),
        sa.Column("imei", sa.String(16)),
        sa.Column("fact", sa.String(32), nullable=False),
        sa.Column("value_json", sa.Text, nullable=False),
        sa.Column("what", sa.Text, nullable=False),  # what the technician read, and where
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_name", sa.Text),
        sa.Column("evidence_sha256", sa.String(64)),
        sa.Column("evidence", sa.LargeBinary),
        sa.Column("record_id", sa.String(32)),
        sa.Index("ix_manual_facts_serial", "serial"),
        sa.Index("ix_manual_facts_imei", "imei"),
        sa.Index("ux_manual_facts_record_id", "record_id", unique=True),
    )


def downgrade() -> None:
    op.drop_table("manual_facts")
    op.drop_table("inspection_lookups")
    for index in ("ix_inspections_read_at", "ix_inspections_imei2", "ix_inspections_serial"):
        op.drop_index(index, "inspections")
    with op.batch_alter_table("inspections") as table:
        for column in (
            "inspection_json",
            "verdicts_json",
            "finished_at",
            "stock_no",
            "policy_sha256",
            "policy_name",
            "tenken_version",
            "station",
            "serial",
        ):
            table.drop_column(column)
