"""The tables, as the newest migration leaves them (a test compares the two on SQLite and PostgreSQL).

`HEAD` names that migration, so a database already at head is recognised without importing Alembic.
"""

from __future__ import annotations

import sqlalchemy as sa

FIRST = "0001"  # the schema `metadata.create_all` made before tenken had migrations
HEAD = "0013"  # 0006: signed answers; 0007: what a certificate needs to be rendered again; 0008: signed
# inspections; 0009: who issued a certificate (the shop, its licence, the technician, the verify address);
# 0010: the users of `tenken serve`; 0012: how each answer was obtained (via, by whom) and the assisted
# browser's screenshot and page

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
    sa.Column("origin", sa.Text),  # from 0006: the checker's origin ("manual": read by a person)
    sa.Column("body_cut", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("signed_by", sa.String(16)),  # the station key's id (store/signing.py)
    sa.Column("signature", sa.String(64)),
    sa.Column("via", sa.String(8)),  # from 0012: http, browser, hand (NULL: kept before; read from the row)
    sa.Column("via_by", sa.Text),  # who was at the station (browser, hand)
    sa.Column("screenshot", sa.LargeBinary),  # the assisted browser's full-page screenshot (PNG)
    sa.Column("screenshot_sha256", sa.String(64)),
    sa.Column("page", sa.LargeBinary),  # the page's HTML where the answer came in a reply of its own
    sa.Column("page_sha256", sa.String(64)),
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
    sa.Column("record_id", sa.String(32)),  # from 0003: the inspection id
    sa.Column("serial", sa.Text),
    sa.Column("station", sa.Text),
    sa.Column("tenken_version", sa.String(32)),
    sa.Column("policy_name", sa.Text),
    sa.Column("policy_sha256", sa.String(64)),
    sa.Column("stock_no", sa.Text),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("verdicts_json", sa.Text),
    sa.Column("inspection_json", sa.Text),  # the inspection as `inspect --json` printed it
    sa.Column("signed_by", sa.String(16)),  # from 0008 (store/signing.py)
    sa.Column("signature", sa.String(64)),
    sa.Index("ix_inspections_imei", "imei"),
    sa.Index("ux_inspections_record_id", "record_id", unique=True),
    sa.Index("ix_inspections_serial", "serial"),
    sa.Index("ix_inspections_imei2", "imei2"),
    sa.Index("ix_inspections_read_at", "read_at"),
)

inspection_lookups = sa.Table(
    "inspection_lookups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("inspection_record_id", sa.String(32), nullable=False),
    sa.Column("lookup_record_id", sa.String(32), nullable=False),
    sa.Column("record_id", sa.String(32)),
    sa.Index("ix_inspection_lookups_inspection", "inspection_record_id"),
    sa.Index("ux_inspection_lookups_record_id", "record_id", unique=True),
)

manual_facts = sa.Table(
    "manual_facts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("serial", sa.Text),
    sa.Column("imei", sa.String(16)),
    sa.Column("fact", sa.String(32), nullable=False),
    sa.Column("value_json", sa.Text, nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("evidence_name", sa.Text),
    sa.Column("evidence_sha256", sa.String(64)),
    sa.Column("evidence", sa.LargeBinary),
    sa.Column("record_id", sa.String(32)),
    sa.Column("signed_by", sa.String(16)),  # from 0006
    sa.Column("signature", sa.String(64)),
    sa.Index("ix_manual_facts_serial", "serial"),
    sa.Index("ix_manual_facts_imei", "imei"),
    sa.Index("ux_manual_facts_record_id", "record_id", unique=True),
)

webhook_outbox = sa.Table(
    "webhook_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.String(64), nullable=False),
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

site_turns = sa.Table(
    "site_turns",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("next_at", sa.Float, nullable=False),
)

certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("inspection_record_id", sa.String(32), nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("station", sa.Text),
    sa.Column("record_id", sa.String(32)),  # the certificate's id, on the page (tenken:certificate)
    sa.Column("lang", sa.String(8)),  # from 0007: the page's language (NULL: issued before)
    sa.Column("full_imei", sa.Boolean),
    sa.Column("tenken_version", sa.String(32)),  # the tenken that wrote it
    sa.Column("channels_json", sa.Text),  # the channel titles it printed: {key: {ja, en, short_ja, short_en}}
    sa.Column("signed_by", sa.String(16)),  # from 0008 (store/signing.py)
    sa.Column("signature", sa.String(64)),
    sa.Column("shop_name", sa.Text),  # from 0009: who issued it (NULL: issued before, showing none)
    sa.Column("licence_authority", sa.Text),  # 古物商許可: the public-safety commission (…公安委員会)
    sa.Column("licence_number", sa.Text),  # … and the licence number
    sa.Column("technician", sa.Text),  # 担当者
    sa.Column("verify_url", sa.Text),  # where the QR code sends a buyer ("": the tenken: line)
    sa.Column("warranty", sa.Text),  # from 0013: the shop's warranty period shown beside the grade
    sa.Index("ix_certificates_inspection", "inspection_record_id"),
    sa.Index("ux_certificates_record_id", "record_id", unique=True),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2id (web/auth.py), never the password
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("added_by", sa.Text),
    sa.Index("ux_users_name", "name", unique=True),
)
