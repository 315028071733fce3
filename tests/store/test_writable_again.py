"""A SQLite database that was read-only for a while: made writable again, it takes what waits in the
spool; while it cannot be written, one line on the terminal says why the spool stays.

Real files and real permissions. The tests run as root, which writes any file whatever its mode, so
tenken runs here as its own process without root's override of file permissions (setpriv drops
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): as a station's own user, it owns the files and obeys their
modes. A read-only open (`mode=ro`) stands for a database that cannot be written at all.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.store import open_store

IMEI = "490154203237518"
AS_OWNER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]


def tenken(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`tenken ARGS` as its own process, subject to file modes as any user is."""
    return subprocess.run(
        [*AS_OWNER, sys.executable, "-m", "tenken", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "TENKEN_DB": str(tmp_path / "tenken.sqlite3"),
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "TENKEN_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "TENKEN_LANG": "en",
    }


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def spooled(env: dict[str, str]) -> int:
    spool = Path(env["TENKEN_DATA_DIR"]) / "spool.jsonl"
    return sum(1 for line in spool.read_text().splitlines() if line.strip()) if spool.exists() else 0


def batteries(path: Path) -> list[float]:
    """The battery capacities recorded in the database, oldest first."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT value_json FROM manual_facts ORDER BY id").fetchall()
    return [json.loads(value) for (value,) in rows]


def read_only(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_a_database_made_writable_again_takes_the_spool(env: dict[str, str]) -> None:
    path = Path(env["TENKEN_DB"])
    open_store(Settings(db=str(path), data_dir=env["TENKEN_DATA_DIR"])).close()  # at head, empty
    path.chmod(0o400)  # read-only for a while (a backup, a mistake)
    refused = tenken(["--db", read_only(path), "record", "battery", "87", "--imei", IMEI, "--new"], env)
    assert refused.returncode == 74, refused.stderr
    assert spooled(env) == 1
    shm, wal = Path(f"{path}-shm"), Path(f"{path}-wal")
    assert mode(shm) == mode(wal) == 0o400  # SQLite made them as the database was: read-only

    path.chmod(0o600)  # writable again
    again = tenken(["record", "battery", "88", "--imei", IMEI, "--new"], env)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert spooled(env) == 0
    assert batteries(path) == [87, 88]  # what waited went in first
    assert mode(path) == mode(shm) == mode(wal) == 0o600


def test_side_files_are_made_owner_only_and_writable(tmp_path: Path) -> None:
    path = tmp_path / "tenken.sqlite3"
    open_store(Settings(db=str(path), data_dir=str(tmp_path / "data"))).close()
    parts = [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    for part, left in zip(parts, (0o400, 0o440, 0o444, 0o604), strict=True):
        part.touch()
        part.chmod(left)
    open_store(Settings(db=str(path), data_dir=str(tmp_path / "data"))).close()
    assert {part.name: mode(part) for part in parts if part.exists()} == {
        part.name: 0o600 for part in parts if part.exists()
    }
    assert mode(path) == 0o600


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_one_line_says_why_the_spool_stays(env: dict[str, str], lang: str) -> None:
    path = Path(env["TENKEN_DB"])
    open_store(Settings(db=str(path), data_dir=env["TENKEN_DATA_DIR"])).close()
    spool = Path(env["TENKEN_DATA_DIR"]) / "spool.jsonl"
    assert (
        tenken(["--db", read_only(path), "record", "battery", "87", "--imei", IMEI, "--new"], env).returncode
        == 74
    )
    assert (
        tenken(["--db", read_only(path), "record", "battery", "86", "--imei", IMEI, "--new"], env).returncode
        == 74
    )

    result = tenken(["--lang", lang, "--db", read_only(path), "history", IMEI], env)  # it only reads
    lines = [line for line in result.stderr.splitlines() if str(spool) in line]
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith("tenken: ") and "attempt to write a readonly database" in line
    if lang == "en":
        assert line.startswith(f"tenken: 2 row(s) stay in {spool}: the database sqlite:///file:"), line
    else:
        assert line.startswith(f"tenken: 2 件のデータが {spool} に残っています"), line
    assert spooled(env) == 2


def test_a_station_says_it_once_while_the_reason_stays(
    env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    path = Path(env["TENKEN_DB"])
    open_store(Settings(db=str(path), data_dir=env["TENKEN_DATA_DIR"])).close()
    assert (
        tenken(["--db", read_only(path), "record", "battery", "87", "--imei", IMEI, "--new"], env).returncode
        == 74
    )
    with caplog.at_level(logging.INFO, logger="tenken.store"):
        database = open_store(Settings(db=read_only(path), data_dir=env["TENKEN_DATA_DIR"]))
        with database:
            for _ in range(5):  # `tenken watch` tries every few seconds
                assert not database.drain()
            said_why = database.health.spool_stays
            assert said_why is not None and said_why.code == "store.spool_stays"
    said = [record for record in caplog.records if getattr(record, "notice", None) is not None]
    assert [record.levelno for record in said] == [logging.WARNING] + [logging.INFO] * 5
