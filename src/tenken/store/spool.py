"""The spool: rows the database could not take, kept in a local file until it can.

One JSON object a line: the table and the row as it would have been inserted (bytes as base64, times
in ISO 8601), with its `record_id`, so that writing it twice (a crash between the database's commit
and emptying the file) stores it once. The file is owner-only (it holds IMEIs and carrier pages) and
only ever appended to, under an exclusive lock that the drain holds too; a drain empties it only after
the database committed every row it held.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from tenken.files import private_folder
from tenken.store.schema import metadata

log = logging.getLogger(__name__)

Row = dict[str, Any]
Batch = list[tuple[sa.Table, Row]]


class Spool:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, table: sa.Table, rows: Sequence[Row]) -> int:
        """Add rows; return how many rows now wait. Raises OSError when the file cannot be written."""
        private_folder(self.path.parent)
        with self._open(os.O_RDWR | os.O_APPEND | os.O_CREAT) as file:
            if file.seek(0, os.SEEK_END) and _last_byte(file) != b"\n":
                file.write(b"\n")  # the torn end of a write that crashed: keep it apart from ours
            file.write(b"".join(_encode(table, row) for row in rows))
            file.flush()
            os.fsync(file.fileno())
            file.seek(0)
            return sum(1 for line in file if line.strip())

    def rows(self) -> int:
        """How many rows wait (a count for people: without the lock)."""
        try:
            with self.path.open("rb") as file:
                return sum(1 for line in file if line.strip())
        except OSError:
            return 0

    @contextmanager
    def drained(self) -> Iterator[Batch]:
        """Rows waiting, under the lock; the file is emptied when the block ends without an error."""
        try:
            file = self._open(os.O_RDWR) if self.path.stat().st_size else None
        except OSError:
            file = None  # nothing waits, or nothing readable: the next append says why
        if file is None:
            yield []
            return
        with file:
            batch: Batch = []
            for number, line in enumerate(file, start=1):
                if line.strip():
                    try:
                        batch.append(_decode(line))
                    except (ValueError, KeyError, TypeError) as error:  # a write that crashed half-way
                        log.warning("%s line %d is damaged, skipped: %s", self.path, number, error)
            yield batch
            file.truncate(0)
            os.fsync(file.fileno())

    def _open(self, flags: int) -> IO[bytes]:
        """The file, owner-only, with the exclusive lock every writer and the drain take."""
        file = os.fdopen(os.open(self.path, flags, 0o600), "r+b")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        except OSError:
            file.close()
            raise
        return file


def _last_byte(file: IO[bytes]) -> bytes:
    file.seek(-1, os.SEEK_END)
    return file.read(1)


def _encode(table: sa.Table, row: Mapping[str, Any]) -> bytes:
    values = {name: _plain(value) for name, value in row.items()}
    return json.dumps({"table": table.name, "row": values}, ensure_ascii=False).encode() + b"\n"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode(line: bytes) -> tuple[sa.Table, Row]:
    record = json.loads(line)
    table = metadata.tables[record["table"]]
    row: Row = {}
    for name, value in record["row"].items():
        kind = table.c[name].type
        if value is not None and isinstance(kind, sa.LargeBinary):
            value = base64.b64decode(value)
        elif value is not None and isinstance(kind, sa.DateTime):
            value = datetime.fromisoformat(value)
        row[name] = value
    return table, row
