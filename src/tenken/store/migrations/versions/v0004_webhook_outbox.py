"""The webhook outbox: every message a station owes a receiver, kept until the receiver took it, so a
receiver's outage or a station's restart loses nothing; the idempotency key keeps a resend harmless."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(64), nullable=False),  # the idempotency key
        sa.Column("station", sa.Text, nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Index("ux_webhook_outbox_record_id", "record_id", unique=True),
        sa.Index("ix_webhook_outbox_due", "sent_at", "next_attempt_at"),
    )
    op.create_table(
        "site_turns",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("next_at", sa.Float, nullable=False),  # epoch seconds: the earliest the next request may go
    )


def downgrade() -> None:
    op.drop_table("site_turns")
    op.drop_table("webhook_outbox")
