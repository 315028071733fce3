"""Bring a database to the schema this tenken expects, with the Alembic scripts in migrations/.

Every run but the first after an upgrade finds the database at head with one query and never imports
Alembic. Otherwise the migration runs in one transaction that first takes a lock, so two tenken
commands started at once on a new database do not both create its tables: SQLite `BEGIN IMMEDIATE`
(the second waits up to the busy timeout), PostgreSQL `pg_advisory_xact_lock`. Inside the lock the
revision is read again; whoever comes second finds the work done.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tenken.errors import StoreError
from tenken.store import schema
from tenken.store.engine import transact

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x74656E6B656E  # "tenken": one advisory lock per database, whatever the schema


def ensure_schema(engine: Engine, *, patience: float) -> None:
    if transact(engine, _revision, write=False, patience=patience) != schema.HEAD:
        transact(engine, _migrate, write=True, patience=patience)


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no tables yet); it changes nothing."""
    return transact(engine, _revision, write=False, patience=0.0)


def _revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    revision: str | None = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return revision


def _migrate(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    if _revision(connection) == schema.HEAD:
        return  # another tenken did it while this one waited for the lock
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    tables = set(sa.inspect(connection).get_table_names())
    try:
        if "alembic_version" not in tables and "lookups" in tables:
            command.stamp(config, schema.FIRST)  # made by create_all before tenken had migrations
        command.upgrade(config, "head")
    except CommandError as error:  # a revision this tenken does not know: a newer tenken migrated it
        raise StoreError(
            f"the database is at a schema this tenken does not know ({error}); upgrade tenken"
        ) from None
