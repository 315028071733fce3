"""Store fixtures: SQLite files in tmp_path, and scratch PostgreSQL databases on the local server.

The PostgreSQL tests always run: against TENKEN_TEST_POSTGRES_URL (CI's server, a role that may create
databases), else the private server the session starts (tests/conftest.py, tests/postgres.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa


def postgres_url() -> str:
    """Read when used: a conftest is imported before the session may have started its own server."""
    return os.environ["TENKEN_TEST_POSTGRES_URL"]


# The tables as `metadata.create_all` made them before tenken had migrations, verbatim.
LEGACY_SQLITE = [
    """CREATE TABLE lookups (
	id INTEGER NOT NULL,
	imei VARCHAR(16) NOT NULL,
	carrier VARCHAR(16) NOT NULL,
	outcome VARCHAR(24) NOT NULL,
	raw_mark TEXT,
	detail TEXT NOT NULL,
	checked_at DATETIME NOT NULL,
	url TEXT,
	method VARCHAR(8),
	http_status INTEGER,
	content_type TEXT,
	sha256 VARCHAR(64),
	body BLOB,
	PRIMARY KEY (id)
)""",
    "CREATE INDEX ix_lookups_imei_carrier_time ON lookups (imei, carrier, checked_at)",
    """CREATE TABLE inspections (
	id INTEGER NOT NULL,
	platform VARCHAR(16) NOT NULL,
	device_id TEXT NOT NULL,
	usb_location TEXT,
	state VARCHAR(32) NOT NULL,
	read_at DATETIME NOT NULL,
	imei VARCHAR(16),
	imei2 VARCHAR(16),
	facts_json TEXT NOT NULL,
	PRIMARY KEY (id)
)""",
    "CREATE INDEX ix_inspections_imei ON inspections (imei)",
]

LEGACY_POSTGRESQL = [
    """CREATE TABLE inspections (
	id SERIAL NOT NULL,
	platform VARCHAR(16) NOT NULL,
	device_id TEXT NOT NULL,
	usb_location TEXT,
	state VARCHAR(32) NOT NULL,
	read_at TIMESTAMP WITH TIME ZONE NOT NULL,
	imei VARCHAR(16),
	imei2 VARCHAR(16),
	facts_json TEXT NOT NULL,
	PRIMARY KEY (id)
)""",
    "CREATE INDEX ix_inspections_imei ON inspections (imei)",
    """CREATE TABLE lookups (
	id SERIAL NOT NULL,
	imei VARCHAR(16) NOT NULL,
	carrier VARCHAR(16) NOT NULL,
	outcome VARCHAR(24) NOT NULL,
	raw_mark TEXT,
	detail TEXT NOT NULL,
	checked_at TIMESTAMP WITH TIME ZONE NOT NULL,
	url TEXT,
	method VARCHAR(8),
	http_status INTEGER,
	content_type TEXT,
	sha256 VARCHAR(64),
	body BYTEA,
	PRIMARY KEY (id)
)""",
    "CREATE INDEX ix_lookups_imei_carrier_time ON lookups (imei, carrier, checked_at)",
]


def legacy_rows(connection: sa.Connection) -> None:
    """Rows as tenken wrote them before migrations: one answer with its page, one inspection."""
    connection.execute(
        sa.text(
            "INSERT INTO lookups (imei, carrier, outcome, raw_mark, detail, checked_at, url, method,"
            " http_status, content_type, sha256, body) VALUES ('490154203237518', 'docomo', 'ok', '○',"
            " '', '2024-05-01 08:00:00.000000', 'http://127.0.0.1/search.php', 'POST', 200,"
            " 'text/html', 'ab', :body)"
        ),
        {"body": "○ 制限なし".encode("cp932")},
    )
    connection.execute(
        sa.text(
            "INSERT INTO inspections (platform, device_id, state, read_at, imei, facts_json)"
            " VALUES ('ios', 'udid-1', 'ready', '2024-05-01 08:00:00.000000', '490154203237518', '{}')"
        )
    )


@pytest.fixture
def scratch_database() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases (their URLs); all dropped at the end."""
    admin = sa.create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"tenken_t{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return sa.engine.make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
