"""The files tenken keeps: where the database may be created, and who may read what it writes."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.facts import Carrier, LookupResult, Outcome
from tenken.sim.carriers import CarrierSimulator
from tenken.store import open_store
from tests.conftest import fast_env, run_cli
from tests.store.conftest import LEGACY_SQLITE

IMEI = "490154203237518"


@pytest.fixture
def env(carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
    # Rakuten's "not registered" has no known shape (a 404 is never read as −): with Rakuten asked, an IMEI
    # it did not sell stays unknown there. These tests are not about Rakuten.
    return {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false"}


@pytest.mark.parametrize("form", ["path", "url"])
def test_a_database_in_a_folder_that_does_not_exist_is_refused(
    env: dict[str, str], carrier_sim: CarrierSimulator, tmp_path: Path, form: str
) -> None:
    typo = tmp_path / "shop-dtaa"
    path = typo / "tenken.sqlite3"
    env["TENKEN_DB"] = str(path) if form == "path" else f"sqlite:///{path}"
    result = run_cli(["lookup", IMEI], env)
    assert result.exit_code == 74
    assert result.stderr.strip() == (
        f"tenken: the database folder {typo} does not exist (check --db / TENKEN_DB / db)"
    )
    assert not typo.exists()
    assert sum(carrier_sim.hits.values()) == 0  # refused before anyone was asked


def test_the_data_folder_is_created_owner_only(env: dict[str, str], tmp_path: Path) -> None:
    del env["TENKEN_DB"]
    data = tmp_path / "new" / "data"
    env["TENKEN_DATA_DIR"] = str(data)
    assert run_cli(["lookup", IMEI], env).exit_code == 0
    assert (data / "tenken.sqlite3").is_file()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_database_file_is_private(env: dict[str, str], tmp_path: Path) -> None:
    """The database, its -wal and -shm (they hold the same IMEIs and pages), and saved evidence."""
    settings = Settings(db=env["TENKEN_DB"], data_dir=env["TENKEN_DATA_DIR"])
    path = Path(settings.db)
    with open_store(settings) as database:
        database.save_lookups([LookupResult(IMEI, Carrier.DOCOMO, Outcome.OK)])
        journal = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(part.exists() for part in journal)  # while a connection is open
        assert all(private(part) for part in [path, *journal])

    assert run_cli(["lookup", IMEI], env).exit_code == 0
    claim = tmp_path / "claim"
    result = run_cli(["evidence", IMEI, "--out", str(claim), "--json"], env)
    assert result.exit_code == 0, result.stderr
    saved = [Path(row["saved_to"]) for row in json.loads(result.stdout)["answers"] if row["saved_to"]]
    assert saved
    for page in saved:
        assert private(page) and private(page.with_name(page.name + ".meta.json"))
    assert stat.S_IMODE(claim.stat().st_mode) == 0o700


def test_files_an_older_tenken_left_readable_are_made_private(tmp_path: Path) -> None:
    path = tmp_path / "tenken.sqlite3"
    older = sqlite3.connect(path)  # as before: created with the umask, WAL switched on, left open
    older.execute("PRAGMA journal_mode=WAL")
    for statement in LEGACY_SQLITE:
        older.execute(statement)
    older.commit()
    parts = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    for part in parts:
        part.chmod(0o644)
    try:
        open_store(Settings(db=str(path), data_dir=str(tmp_path / "data"))).close()
        assert all(private(part) for part in parts)
    finally:
        older.close()
