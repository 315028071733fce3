"""32 simulated phones inspected concurrently in one `tenken inspect` run."""

from __future__ import annotations

from typing import Any

from tenken.sim.android.profile import bundled_names
from tests.android.conftest import Phones
from tests.conftest import text

COUNT = 32


def test_32_phones_in_one_run(phones: Phones, inspect_cli: Any) -> None:
    names = [name for name in bundled_names()]
    chosen = [names[index % len(names)] for index in range(COUNT)]
    attached = phones.attach_many(list(chosen))
    assert len({item.serial for item in attached}) == COUNT
    inspection = inspect_cli()
    ours = {item.serial: item for item in attached}
    assert set(ours) <= set(inspection.devices)
    for serial, item in ours.items():
        device = inspection.devices[serial]
        assert device["state"] == "ready", (serial, text(device["action"]))
        assert device["facts"]["model_id"]["value"] == item.profile.model
        assert device["facts"]["imei"]["value"] == item.profile.imeis[0]
    assert inspection.exit_code == 1, inspection.output  # the Galaxy S23 with its owner's Google account
