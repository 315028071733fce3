"""Can the configured database be reached, and at which schema revision is it? Plain data for
`tenken doctor`; nothing is created or migrated (a missing SQLite file stays missing)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.store import engine as engines
from tenken.store import schema
from tenken.store.migrate import revision
from tenken.store.urls import masked


class DatabaseState(StrEnum):
    NOT_CREATED = "not_created"  # a SQLite file in the data folder, made on first use
    NO_FOLDER = "no_folder"  # the folder of the SQLite file --db names does not exist
    UNUSABLE = "unusable"  # not a database URL, no driver for it, a file that cannot be opened: `detail`
    UNREACHABLE = "unreachable"  # the server (or the file) did not answer: `detail` is the driver's line
    EMPTY = "empty"  # reachable, no tables yet: the next run creates them
    OLDER = "older"  # the next run migrates it
    CURRENT = "current"
    NEWER = "newer"  # a newer tenken migrated it


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    where: str  # the URL with every credential masked
    state: DatabaseState
    revision: str | None = None  # the schema revision found
    head: str = schema.HEAD  # the revision this tenken expects
    folder: str = ""  # NO_FOLDER: the folder that is missing
    detail: str = ""  # UNUSABLE, UNREACHABLE: what the driver or the file system said (one line)


def database_health(settings: Settings) -> DatabaseHealth:
    """The configured database's state; at most one short transaction that reads its revision."""
    url = settings.db_url
    where = masked(url)
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as error:
        return DatabaseHealth(where, DatabaseState.UNUSABLE, detail=engines.first_line(error))
    path = engines.sqlite_path(parsed)
    if path is not None and not path.exists():
        if settings.db and not path.parent.is_dir():
            return DatabaseHealth(where, DatabaseState.NO_FOLDER, folder=str(path.parent))
        return DatabaseHealth(where, DatabaseState.NOT_CREATED)
    try:
        engine = engines.create(settings)
    except StoreError as error:
        return DatabaseHealth(where, DatabaseState.UNUSABLE, detail=str(error))
    try:
        found = revision(engine)
    except engines.DatabaseFailed as error:
        return DatabaseHealth(where, DatabaseState.UNREACHABLE, detail=str(error))
    finally:
        engine.dispose()
    if found is None:
        return DatabaseHealth(where, DatabaseState.EMPTY)
    if found == schema.HEAD:
        return DatabaseHealth(where, DatabaseState.CURRENT, revision=found)
    return DatabaseHealth(where, DatabaseState.OLDER if found < schema.HEAD else DatabaseState.NEWER, found)
