"""Carrier politeness is shared by every tenken process on one database: two `tenken lookup` runs started
together space their requests to a site as one would (before, they hit docomo 0.2 ms apart). What is
checked is the turns booked in the database, never a measured time."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tenken.facts import Carrier
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import VALID_IMEIS, fast_env

SPACING = 0.3


def _lookups_at_once(env: dict[str, str], imeis: tuple[str, ...]) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tenken", "lookup", "--carrier", "docomo", "--no-cache", imei],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for imei in imeis
    ]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode in (0, 1, 2), err  # ○ △ × or − (neutral)


def test_two_processes_share_a_sites_spacing(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """Two `tenken lookup` processes on one database book their requests to docomo one after another: the
    four requests (a form and an answer each) took four consecutive turns, so the next free turn is at
    least four spacings after the runs began. (Booked turns are times the processes agreed on in the
    database, not arrival times on a busy machine: nothing here depends on how fast anything ran.)"""
    env = {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_SPACING": str(SPACING)}
    began = time.time()
    _lookups_at_once(env, VALID_IMEIS[:2])
    assert len(carrier_sim.arrivals[Carrier.DOCOMO.value]) == 4  # each run: the form, then the answer
    assert next_turn(env["TENKEN_DB"]) >= began + 4 * SPACING


def next_turn(database: str) -> float:
    with sqlite3.connect(database) as connection:
        (next_at,) = connection.execute("SELECT next_at FROM site_turns WHERE site = 'docomo'").fetchone()
    return float(next_at)


@pytest.mark.parametrize("shared", [True, False])
def test_turns_are_booked_one_after_another_on_one_database(tmp_path: Path, shared: bool) -> None:
    """The booking itself, at one given moment: four turns asked for at once by two stores on one
    database wait 0, 1, 2 and 3 spacings; on two databases (the control), each store's first turn is
    now."""
    from tenken.config import Settings
    from tenken.store import open_store

    def settings(name: str) -> Settings:
        return Settings(db=str(tmp_path / f"{name}.sqlite3"), data_dir=str(tmp_path / "data"))

    first, second = settings("one"), settings("one" if shared else "two")
    with open_store(first) as a, open_store(second) as b:
        waits = [store.take_turn("docomo", 3.0, 1000.0) for store in (a, b, a, b)]
    assert waits == ([0.0, 3.0, 6.0, 9.0] if shared else [0.0, 0.0, 3.0, 3.0])
