"""Captured phones (tests/android/captures/, `[outputs]`) through `tenken inspect` → adbutils → the adb
server → the simulator: what real firmware prints that a reader must not misread."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.android.conftest import Phones
from tests.conftest import text

CAPTURES = Path(__file__).parent / "captures"
AOSP_14_BATTERY = (
    "Current Battery Service state:\n  AC powered: false\n  USB powered: true\n  status: 2\n  health: 2\n"
    "  present: true\n  level: 57\n  scale: 100\n  technology: Li-ion\n  Charging state: 1\n"
    "  Charging policy: 1\n  Capacity level: 4\n"
)


def test_samsung_capacity_not_supported_is_unknown_not_minus_one(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(CAPTURES / "galaxy-j6-android10.toml")
    facts = inspect_cli(attached.serial).facts(attached.serial)
    health = facts["battery_health_pct"]
    assert (health["value"], health["provenance"]) == (None, "unknown")
    assert "not available on this model (-1)" in text(health["note"])
    assert "health category (good)" in text(health["note"])
    assert (facts["battery_level_pct"]["value"], facts["battery_level_pct"]["provenance"]) == (71, "measured")


def test_samsung_capacity_in_brackets_is_read(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(CAPTURES / "galaxy-s24-ultra-android16.toml")
    facts = inspect_cli(attached.serial).facts(attached.serial)
    health = facts["battery_health_pct"]
    assert (health["value"], health["provenance"]) == (99.0, "measured")
    assert health["source"] == "dumpsys battery (mSavedBatteryAsoc)"
    assert facts["battery_level_pct"]["value"] == 88


def test_aosp_charging_lines_and_capacity_bucket_are_no_health(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("pixel7-jp", outputs={"dumpsys battery": AOSP_14_BATTERY})
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert facts["battery_health_pct"]["provenance"] == "unknown"  # `Capacity level: 4` is a bucket
    assert "only a health category over ADB (good)" in text(facts["battery_health_pct"]["note"])
    assert facts["battery_level_pct"]["value"] == 57


@pytest.mark.parametrize("printed", ["0", "140", "[99, 98]", "n/a"])
def test_a_capacity_that_is_no_percentage_stays_unknown(
    phones: Phones, inspect_cli: Any, printed: str
) -> None:
    dump = f"Current Battery Service state:\n  health: 2\n  level: 60\nBatteryInfoBackUp\n  mSavedBatteryAsoc: {printed}\n"
    attached = phones.attach("sc51d-docomo", outputs={"dumpsys battery": dump})
    health = inspect_cli(attached.serial).facts(attached.serial)["battery_health_pct"]
    assert (health["value"], health["provenance"]) == (None, "unknown")
    assert f"printed '{printed}', not a percentage" in text(health["note"])


ICCID = "89811000223344556677"  # what the capture's code 1 answers


def test_an_iccid_reply_is_never_taken_nor_shown_in_full(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(CAPTURES / "iccid-at-code-1.toml")
    device = inspect_cli(attached.serial).devices[attached.serial]
    imei = device["facts"]["imei"]
    assert (imei["value"], imei["provenance"]) == ("004401510000017", "measured")  # from code 4
    assert "the first code answered an ICCID (the SIM card's number, 898110…77)" in text(imei["note"])
    assert ICCID not in json.dumps(device, ensure_ascii=False)


def test_when_only_an_iccid_comes_back_the_imei_is_unknown(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(CAPTURES / "iccid-at-code-1.toml", profile={"imei": ["", ""]})
    device = inspect_cli(attached.serial).devices[attached.serial]
    imei = device["facts"]["imei"]
    assert (imei["value"], imei["provenance"]) == (None, "unknown")
    assert "code 1 answered an ICCID (the SIM card's number, 898110…77), not an IMEI" in text(imei["note"])
    assert ICCID not in json.dumps(device, ensure_ascii=False)
