"""The engine for the configured database, and the one way tenken runs a transaction on it.

A SQLite file gets WAL (reports read while the station writes), a busy timeout, and transactions that
tenken begins itself, so that DDL is transactional too and a writer takes its lock up front
(`BEGIN IMMEDIATE`). A server database (PostgreSQL) is pinged before each use; when it has gone away
(restart, network) tenken reconnects with a bounded backoff before giving up.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.files import private_folder
from tenken.store.urls import masked

T = TypeVar("T")

log = logging.getLogger(__name__)

BUSY_SECONDS = 5.0  # how long a SQLite writer waits for another one
WRITE = "tenken_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


class DatabaseFailed(Exception):
    """A transaction failed for good (after reconnecting, where that can help). Private to the store."""

    def __init__(self, error: sa.exc.SQLAlchemyError) -> None:
        super().__init__(first_line(error))


def first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).splitlines()[0]


def create(settings: Settings) -> Engine:
    """The engine for `settings.db`. A SQLite file's folder must exist unless it is the data folder."""
    url = settings.db_url
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"--db {masked(url)!r} is neither a file path nor a database URL") from None
    path = sqlite_path(parsed)
    read_only = parsed.query.get("mode") == "ro"  # sqlite:///file:PATH?mode=ro&uri=true: never made writable
    if path is not None:
        _prepare_file(path, data_folder=not settings.db, writable=not read_only)
    try:
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    except ImportError as error:
        raise StoreError(
            f"no driver for {parsed.drivername} ({error.name} is not installed): "
            "pip install 'tenken[postgresql]' for PostgreSQL"
        ) from None
    if path is not None:
        sa.event.listen(
            engine,
            "connect",
            lambda connection, _record: _sqlite_connected(connection, path, writable=not read_only),
        )
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def sqlite_path(url: sa.engine.URL) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.query.get("uri") == "true":  # sqlite:///file:PATH?mode=ro&uri=true
        if url.query.get("mode") == "memory":
            return None
        return Path(url.database.removeprefix("file:")).expanduser()
    return Path(url.database).expanduser()


def _prepare_file(path: Path, *, data_folder: bool, writable: bool) -> None:
    """Create the data folder (owner-only), or insist that a folder named in --db exists: a typo there
    must not start an empty database somewhere. A new database file is created owner-only before SQLite
    opens it, so that its -wal and -shm files, which SQLite gives the database file's mode, are too; an
    existing one and its side files are made owner-only, and writable again (owner_only)."""
    folder = path.parent
    if data_folder:
        try:
            private_folder(folder, tighten=True)
        except OSError as error:
            raise StoreError(f"cannot create the data folder {folder}: {error.strerror}") from None
    elif not folder.is_dir():
        raise StoreError(f"the database folder {folder} does not exist (check --db / TENKEN_DB / db)")
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as error:
            raise StoreError(f"cannot create the database {path}: {error.strerror}") from None
    owner_only(path, *side_files(path), writable=writable)


def side_files(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: the write-ahead log, its index, the rollback journal."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _sqlite_connected(connection: Any, path: Path, *, writable: bool) -> None:
    connection.isolation_level = None  # the driver begins nothing by itself: see _sqlite_begin
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against crashes, one fsync per checkpoint
    cursor.close()
    owner_only(path, *side_files(path), writable=writable)


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """WAL: readers (reports) never block the station writing. The switch takes a lock SQLite does not
    wait for (busy_timeout does not apply): two processes opening a new database at once got 'database
    is locked' about one time in three. tenken waits for it instead, as long as for any other lock."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: sa.Connection) -> None:
    writes = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def owner_only(*paths: Path, writable: bool = True) -> None:
    """Files of ours that hold IMEIs or pages: the owner's alone (older tenken left some 0644), and, unless
    `writable` is False, readable and writable by the owner (0600). A database that was read-only for a
    while leaves its -shm (and -wal) 0400, since SQLite gives them the database's mode; made writable
    again, SQLite would still open it read-only through that -shm, and the spool would never drain."""
    for path in paths:
        try:
            status = path.stat()
            mode = stat.S_IMODE(status.st_mode)
            wanted = 0o600 if writable else mode & 0o700
            if status.st_uid == os.geteuid() and mode != wanted:
                path.chmod(wanted)
        except OSError:
            continue  # gone already (SQLite removes -wal and -shm), someone else's, or on a read-only mount


def transact(engine: Engine, work: Callable[[sa.Connection], T], *, write: bool, patience: float) -> T:
    """`work` in one transaction. A server that cannot be reached, or that dropped the connection, is
    tried again with a growing pause for up to `patience` seconds; other failures end at once."""
    delay, waited = 0.25, 0.0
    while True:
        try:
            return _once(engine, work, write=write)
        except _Away as away:
            if waited + delay > patience:
                raise DatabaseFailed(away.error) from None
            log.info("database unavailable (%s); trying again in %.2f s", first_line(away.error), delay)
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 4.0)
        except sa.exc.SQLAlchemyError as error:
            raise DatabaseFailed(error) from None


class _Away(Exception):
    def __init__(self, error: sa.exc.DBAPIError) -> None:
        self.error = error


def _once(engine: Engine, work: Callable[[sa.Connection], T], *, write: bool) -> T:
    try:
        connection = engine.connect()  # pre-pings a pooled connection, reconnects once if it is dead
    except sa.exc.DBAPIError as error:
        raise _Away(error) from None
    with connection:
        if write:
            connection.execution_options(**{WRITE: True})
        try:
            with connection.begin():
                return work(connection)
        except sa.exc.DBAPIError as error:
            if error.connection_invalidated:
                raise _Away(error) from None
            raise
