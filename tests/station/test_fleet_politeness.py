"""Carrier politeness is shared by every tenken process on one database: two `tenken lookup` runs started
together space their requests to a site as one would (before, they hit docomo 0.2 ms apart)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

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


def _gaps(arrivals: list[float]) -> list[float]:
    ordered = sorted(arrivals)
    return [later - earlier for earlier, later in itertools.pairwise(ordered)]


def test_two_processes_share_a_sites_spacing(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    env = {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_SPACING": str(SPACING)}
    _lookups_at_once(env, VALID_IMEIS[:2])
    arrivals = carrier_sim.arrivals[Carrier.DOCOMO.value]
    assert len(arrivals) == 4  # each run: the form, then the answer
    # Spacing is a floor, not a speed: half of it still tells shared turns (≥ 0.3 s) from none (~0 s).
    assert min(_gaps(arrivals)) >= SPACING / 2, _gaps(arrivals)


def test_without_a_shared_database_each_process_spaces_only_itself(
    carrier_sim: CarrierSimulator, tmp_path: Path
) -> None:
    """The control: the same runs, each on its own database, overlap (so the test above can fail). A
    longer spacing here keeps the overlap certain however unevenly the two processes start."""
    spacing = 1.0
    env = {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_SPACING": str(spacing)}
    runs = []
    for index, imei in enumerate(VALID_IMEIS[:2]):
        own = {**env, "TENKEN_DB": str(tmp_path / f"own-{index}.sqlite3")}
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tenken", "lookup", "--carrier", "docomo", "--no-cache", imei],
                env={**os.environ, **own},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for run in runs:
        run.wait(timeout=60)
    arrivals = carrier_sim.arrivals[Carrier.DOCOMO.value]
    assert len(arrivals) == 4
    assert min(_gaps(arrivals)) < spacing / 2, _gaps(arrivals)
