"""How each carrier's answer was obtained (issue 18): `via` (http: tenken asked the site; browser: the
assisted browser check; hand: a person recorded the mark) and `via_by` (who was at the station), and what
the assisted browser check keeps beside the page it read: a full-page screenshot and, where the answer
came in a reply of its own (Rakuten's JSON), the page's HTML, each with its sha256. Rows from before this
revision have none (NULL): how they were obtained is read from what they kept (a person's mark came from
the origin "manual" and names who in its detail), and their signatures cover none of these."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"  # 0011 was never used

COLUMNS = (
    ("via", sa.String(8)),
    ("via_by", sa.Text),
    ("screenshot", sa.LargeBinary),
    ("screenshot_sha256", sa.String(64)),
    ("page", sa.LargeBinary),
    ("page_sha256", sa.String(64)),
)


def upgrade() -> None:
    with op.batch_alter_table("lookups") as table:
        for name, kind in COLUMNS:
            table.add_column(sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("lookups") as table:
        for name, _kind in reversed(COLUMNS):
            table.drop_column(name)
