"""Two tenken processes started at once on a database that does not exist yet both succeed: the
first creates the tables, the second waits for it and finds them (tenken.store.migrate)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

ROUNDS = 8

OPEN_AND_WRITE = """
import sys
from tenken.config import Settings
from tenken.facts import Carrier, LookupResult, Outcome
from tenken.store import open_store

with open_store(Settings(db=sys.argv[1], data_dir=sys.argv[2])) as database:
    database.save_lookups([LookupResult("490154203237518", Carrier.AU, Outcome.OK)])
"""


def race(db: str, data_dir: Path) -> None:
    """Two processes opening the same new database at the same moment; both must succeed."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AND_WRITE, db, str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    url = db if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM lookups")) == 2
    engine.dispose()


def test_two_processes_create_one_sqlite_database(tmp_path: Path) -> None:
    for round_number in range(ROUNDS):
        folder = tmp_path / f"round{round_number}"
        folder.mkdir()
        race(str(folder / "tenken.sqlite3"), folder / "data")


def test_two_processes_create_one_postgresql_database(
    scratch_database: Callable[[], str], tmp_path: Path
) -> None:
    for _ in range(ROUNDS):
        race(scratch_database(), tmp_path)
