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


# AOSP prints "Profile Owner (User N): " with a space before the line end.
WORK_PROFILE = (
    "Current Device Policy Manager state:\n  Immutable state:\n    mHasFeature=true\n"
    "  Profile Owner (User 10): \n"
    "    admin=ComponentInfo{com.google.android.apps.work.clouddpc/"
    "com.google.android.apps.work.clouddpc.receivers.CloudDeviceAdminReceiver}\n"
    "    name=Android Device Policy\n    package=com.google.android.apps.work.clouddpc\n"
    "    isOrganizationOwnedDevice=false\n"
)
SECURE_FOLDER = (
    "\n  Profile Owner (User 150): \n    name=Secure Folder\n    package=com.samsung.knox.securefolder\n"
)


def _mdm(phones: Phones, inspect_cli: Any, profile: str | Path, **overlay: Any) -> tuple[Any, str, Any]:
    attached = phones.attach(profile, **overlay)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    mdm = facts["mdm_enrolled"]
    return (mdm["value"], mdm["provenance"]), text(mdm["note"]), facts["supervised"]["provenance"]


def test_secure_folder_alone_is_not_management(phones: Phones, inspect_cli: Any) -> None:
    found, note, supervised = _mdm(phones, inspect_cli, CAPTURES / "galaxy-secure-folder.toml")
    assert found == (False, "measured")
    assert note == (
        "no device owner and no work profile; Samsung Secure Folder (user 150) is the owner's own space, "
        "not management"
    )
    assert supervised == "unknown"  # an iPhone notion: Android has none


def test_a_device_owner_is_management(phones: Phones, inspect_cli: Any) -> None:
    found, note, _ = _mdm(phones, inspect_cli, CAPTURES / "aquos-device-owner.toml")
    assert found == (True, "measured")
    assert "managed by an organisation: device owner com.hmdm.launcher;" in note


def test_a_work_profile_is_management_even_beside_a_secure_folder(phones: Phones, inspect_cli: Any) -> None:
    found, note, _ = _mdm(
        phones, inspect_cli, "so51c-docomo", outputs={"dumpsys device_policy": WORK_PROFILE}
    )
    assert found == (True, "measured")
    assert "profile owner com.google.android.apps.work.clouddpc (user 10: a work profile)" in note
    both = WORK_PROFILE + SECURE_FOLDER
    found, note, _ = _mdm(phones, inspect_cli, "sc51d-docomo", outputs={"dumpsys device_policy": both})
    assert found == (True, "measured") and "Secure Folder" not in note


def test_a_phone_nobody_manages(phones: Phones, inspect_cli: Any) -> None:
    found, note, _ = _mdm(phones, inspect_cli, "so51c-docomo")
    assert (found, note) == ((False, "measured"), "no device owner and no work profile")


@pytest.mark.parametrize(
    ("output", "status", "said"),
    [
        (
            "Permission Denial: can't dump device_policy from pid=4242, uid=2000\n",
            0,
            "no device policy state",
        ),
        ("", 255, "exit 255"),
    ],
)
def test_a_missing_or_refused_dump_is_unknown(
    phones: Phones, inspect_cli: Any, output: str, status: int, said: str
) -> None:
    overlay = {
        "outputs": {"dumpsys device_policy": output},
        "outputs_status": {"dumpsys device_policy": status},
    }
    found, note, _ = _mdm(phones, inspect_cli, "so51c-docomo", **overlay)
    assert found == (None, "unknown")
    assert said in note and "Device admin apps" in note
