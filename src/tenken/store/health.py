"""The database's health, two ways: `database_health` (can the configured database be reached, and at
which schema revision is it? plain data for `tenken doctor`; nothing is created or migrated, a missing
SQLite file stays missing), and `StoreHealth` (how an open Store has done since it was opened: what
waits in the spool and why, what was lost; the station's board and every command's exit read it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from tenken.config import Settings
from tenken.errors import Spooled, StoreError
from tenken.facts import Message
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


class StoreHealth:
    """How the database has done for one open Store: one object that every user of the store (the
    pipeline, the look-ups' writer, the webhook outbox, the station's drain) reports to and reads.

    - `lost`: something not even the spool took (the disk is full): said until the end.
    - `trouble`: rows wait in the spool, or a read the verdict needed failed: over once the database
      took everything again (a write that went in, or a drain of the spool).
    - `spool_stays`: why the rows in the spool stay there (the database's own words, as a message).

    A failure is never cleared by a success that began before it: `begin()` gives a turn; `recovered(turn)`
    clears the trouble only when no failure came after that turn. Store calls run in worker threads,
    hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = 0
        self.lost: StoreError | None = None
        self.trouble: StoreError | None = None
        self.spool_stays: Message | None = None

    def begin(self) -> int:
        """A turn to hand to `recovered` when the attempt that starts now succeeds."""
        with self._lock:
            return self._failures

    def failed(self, error: StoreError, *, write: bool) -> None:
        """A write (or a read) failed: a write the spool took, or a read, is trouble; a write not even the
        spool took is lost."""
        with self._lock:
            self._failures += 1
            if write and not isinstance(error, Spooled):
                self.lost = self.lost or error
            else:
                self.trouble = error

    def recovered(self, turn: int) -> None:
        """The database took everything the spool held, in an attempt that began at `turn`."""
        with self._lock:
            if self._failures == turn:
                self.trouble = None
                self.spool_stays = None

    def stays(self, why: Message | None) -> None:
        with self._lock:
            self.spool_stays = why

    @property
    def error(self) -> StoreError | None:
        """What a command raises after its results (exit 74): the loss, else the trouble not over yet."""
        return self.lost or self.trouble

    @property
    def troubled(self) -> bool:
        """Something is not in the database yet, or was not read from it: worth trying it again."""
        return self.trouble is not None or self.spool_stays is not None
