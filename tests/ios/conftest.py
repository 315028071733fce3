"""Fixtures: the simulated usbmuxd on a real socket, and settings pointing tenken's reader at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tenken.config import Settings
from tests.ios.simulator import SimulatorThread


@pytest.fixture
def usbmux() -> Iterator[SimulatorThread]:
    with SimulatorThread() as simulator:
        yield simulator


@pytest.fixture
def settings(usbmux: SimulatorThread, tmp_path: Path) -> Settings:
    configured = Settings(data_dir=str(tmp_path / "data"))
    configured.ios.usbmux = usbmux.address
    configured.ios.timeout = 5.0
    configured.ios.pair_timeout = 3.0
    return configured
