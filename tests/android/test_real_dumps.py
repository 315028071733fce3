"""The three real `adb shell getprop` dumps in ../shared/fixtures/android, replayed as profiles as they are."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from tenken.devices.android.props import parse_getprop
from tenken.sim.android.profile import load
from tests.android.conftest import SHARED_ANDROID, Phones
from tests.conftest import text

pytestmark = pytest.mark.skipif(
    not SHARED_ANDROID.parent.parent.is_dir()
    and not os.environ.get("CI"),  # CI has ../shared: there it fails
    reason="../shared is absent (it holds other people's dumps, never copied into the repo); CI always has it",
)

DUMPS = {
    "getprop_pixel6_android15_unlocked_sim_loaded.txt": ("Pixel 6", "google", "15", "LOADED"),
    "getprop_samsung_SM-S9210_android14_CHC.txt": ("SM-S9210", "samsung", "14", "ABSENT,ABSENT"),
    "getprop_samsung_galaxyA55_android15_CHC.txt": ("SM-A5560", "samsung", "15", "ABSENT,ABSENT"),
}


def _prop(text: str, key: str) -> str:
    found = re.search(rf"^\[{re.escape(key)}\]: \[(.*)\]$", text, re.MULTILINE)
    assert found, key
    return found.group(1)


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_parser_reads_every_entry(name: str) -> None:
    text = (SHARED_ANDROID / name).read_text(encoding="utf-8")
    entries = sum(1 for line in text.splitlines() if line.startswith("["))
    props = parse_getprop(text)
    assert len(props) == entries
    assert props["ro.product.model"] == DUMPS[name][0]


def test_multi_line_value_is_kept_whole() -> None:
    text = (SHARED_ANDROID / "getprop_pixel6_android15_unlocked_sim_loaded.txt").read_text(encoding="utf-8")
    value = parse_getprop(text)["persist.sys.boot.reason.history"]
    assert value.count("\n") == 2
    assert value.startswith("shutdown,") and not value.endswith("]")


def test_raw_dump_is_a_profile_as_it_is() -> None:
    profile = load(SHARED_ANDROID / "getprop_pixel6_android15_unlocked_sim_loaded.txt")
    assert profile.raw_getprop is not None
    assert profile.synthetic is False
    assert profile.model == "Pixel 6"


def test_replayed_dumps_come_out_exactly(phones: Phones, inspect_cli: Any) -> None:
    attached = {name: phones.attach(SHARED_ANDROID / name) for name in DUMPS}
    inspection = inspect_cli(*(item.serial for item in attached.values()))
    for name, (model, brand, version, sim_state) in DUMPS.items():
        text = (SHARED_ANDROID / name).read_text(encoding="utf-8")
        facts = inspection.facts(attached[name].serial)
        assert facts["model_id"]["value"] == model
        assert facts["brand"]["value"] == brand
        assert facts["os_version"]["value"] == version
        assert facts["sim_state"]["value"] == sim_state
        assert facts["serial"]["value"] == _prop(text, "ro.serialno")
        assert facts["security_patch"]["value"] == _prop(text, "ro.build.version.security_patch")


def test_replayed_dump_rules(phones: Phones, inspect_cli: Any) -> None:
    pixel = phones.attach(SHARED_ANDROID / "getprop_pixel6_android15_unlocked_sim_loaded.txt")
    galaxy = phones.attach(SHARED_ANDROID / "getprop_samsung_SM-S9210_android14_CHC.txt")
    inspection = inspect_cli(pixel.serial, galaxy.serial)
    facts = inspection.facts(pixel.serial)
    assert facts["bootloader_unlocked"]["value"] is True
    assert facts["sales_region"]["value"] == "JP"  # GR1YH, the Pixel 6 Japan SKU
    assert (facts["sim_locked"]["value"], facts["sim_locked"]["provenance"]) == (False, "measured")
    assert "overseas SIM" in text(facts["sim_locked"]["note"])
    facts = inspection.facts(galaxy.serial)
    assert facts["sold_for"]["provenance"] == "unknown"
    assert "CHC" in text(facts["sold_for"]["note"])
    assert facts["sales_region"]["value"] == "CN"
    assert facts["bootloader_unlocked"]["value"] is False
    assert facts["sim_locked"]["provenance"] == "unknown"


def test_replay_answers_getprop_byte_for_byte(phones: Phones, adb_server: Any) -> None:
    import adbutils

    path = SHARED_ANDROID / "getprop_samsung_galaxyA55_android15_CHC.txt"
    attached = phones.attach(path)
    device = adbutils.AdbClient(port=adb_server.port).device(attached.serial)
    output = device.shell2("getprop", timeout=10, v2=True, rstrip=False).stdout
    body = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("# ")
    )
    assert output.strip("\n") == body.strip("\n")
