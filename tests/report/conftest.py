"""Report fixtures: phones inspected for real (`tenken inspect` against the simulated usbmuxd and the
carrier simulator, through the CLI) and stored in a private SQLite database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread

IPHONE_13 = "SIMT13DOC001"  # iphone13-docomo: serial
IMEI_1, IMEI_2 = "353915111001014", "353915111001022"


@pytest.fixture
def usbmux() -> Iterator[SimulatorThread]:
    with SimulatorThread() as simulator:
        yield simulator


@dataclass
class Station:
    """One station's environment: the simulators, the CLI's environment and its database."""

    usbmux: SimulatorThread
    carriers: CarrierSimulator
    env: dict[str, str]
    tmp: Path

    def run(self, *args: str) -> Any:
        return run_cli(list(args), self.env)

    def inspect(self, *extra: str) -> dict[str, Any]:
        """`tenken inspect --json` (checked against its schema by run_cli); the document."""
        result = self.run("inspect", "--platform", "ios", "--json", *extra)
        assert result.exit_code < 64, result.stderr
        payload: dict[str, Any] = json.loads(result.stdout)
        return payload

    def mark(self, imei: str, carrier: Carrier, outcome: Outcome) -> None:
        self.carriers.rules.set_mark(imei, carrier, outcome)

    def database(self) -> sqlite3.Connection:
        return sqlite3.connect(self.env["TENKEN_DB"])


@pytest.fixture
def station(usbmux: SimulatorThread, carrier_sim: CarrierSimulator, tmp_path: Path) -> Station:
    env = {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_IOS_USBMUX": usbmux.address,
        "TENKEN_IOS_PAIR_TIMEOUT": "2",
        "TENKEN_STATION_ID": "shop-a-1",
    }
    return Station(usbmux, carrier_sim, env, tmp_path)
