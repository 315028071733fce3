"""The files tenken keeps: where the database may be created, and who may read what it writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli

IMEI = "490154203237518"


@pytest.fixture
def env(carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
    return fast_env(carrier_sim, tmp_path)


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
