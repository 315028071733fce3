"""Simulator profiles: the bundled set, the TOML/JSON layout, raw dumps, copies, and the errors people see."""

from __future__ import annotations

import json
import plistlib
import re
from pathlib import Path

import pytest

from tenken.imei import is_valid_imei
from tenken.sim.ios.profile import (
    ProfileError,
    bundled_names,
    load,
    load_file,
    parse_ideviceinfo_text,
    resolve,
)
from tests.conftest import run_cli

UDID = re.compile(r"^([0-9A-F]{8}-[0-9A-F]{16}|[0-9a-f]{40})$")


def test_bundled_profiles_are_distinct_phones() -> None:
    profiles = [load(name) for name in bundled_names()]
    assert len(profiles) >= 9
    assert len({profile.udid for profile in profiles}) == len(profiles)
    imeis = [
        profile.values[key]
        for profile in profiles
        for key in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2")
        if key in profile.values
    ]
    assert len(set(imeis)) == len(imeis)
    for profile in profiles:
        assert profile.description
        assert UDID.match(profile.udid), profile.name
        if profile.values.get("TelephonyCapability", True):  # a Wi-Fi-only iPad has no IMEI
            assert is_valid_imei(profile.values["InternationalMobileEquipmentIdentity"]), profile.name
        else:
            assert "InternationalMobileEquipmentIdentity" not in profile.values, profile.name
        assert profile.values["RegionInfo"] == "J/A"


def test_copies_have_their_own_identifiers() -> None:
    original = load("iphone13-docomo")
    copies = [original.clone(index) for index in range(40)]
    for key in ("UniqueDeviceID", "SerialNumber", "InternationalMobileEquipmentIdentity"):
        assert len({copy.values[key] for copy in copies}) == 40, key
    every_imei = [
        c.values[k]
        for c in copies
        for k in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2")
    ]
    assert len(set(every_imei)) == 80
    assert all(is_valid_imei(imei) for imei in every_imei)
    assert all(UDID.match(copy.udid) for copy in copies)
    assert copies[3].values["ProductType"] == "iPhone14,5"


def test_a_toml_profile_builds_on_another_and_flips_switches(tmp_path: Path) -> None:
    path = tmp_path / "shop-demo.toml"
    path.write_text(
        """
base = "iphone13-docomo"
description = "same phone, Find My on, SIM refused, slow cable"

[behaviour]
latency_ms = 25
unplug_after_requests = 7

[phone]
find_my = true
sim = "refused"

[values]
UniqueDeviceID = "00008110-0000000000ABC01E"
""",
        encoding="utf-8",
    )
    profile = load(str(path))
    assert profile.name == "shop-demo"
    assert profile.udid == "00008110-0000000000ABC01E"
    assert profile.values["ProductType"] == "iPhone14,5"  # from the base
    assert profile.domains["com.apple.fmip"] == {"IsAssociated": True}
    assert profile.values["NonVolatileRAM"]["fm-activation-locked"] == b"YES"
    assert profile.values["SIMStatus"] == "kCTSIMSupportSIMStatusOperatorLocked"
    assert profile.behaviour.latency_ms == 25.0
    assert profile.behaviour.unplug_after_requests == 7
    assert profile.battery["CycleCount"] == 214  # from the base


def test_an_overlay_can_leave_the_find_my_nvram_keys_out(tmp_path: Path) -> None:
    """A phone whose NVRAM carries no fm-activation-locked: a `values` table replaces the base's whole."""
    path = tmp_path / "no-nvram-flag.toml"
    path.write_text('base = "iphone13-docomo"\n[values.NonVolatileRAM]\nboot-args = ""\n', encoding="utf-8")
    profile = load(str(path))
    assert profile.values["NonVolatileRAM"] == {"boot-args": ""}
    assert profile.domains["com.apple.fmip"] == {"IsAssociated": False}  # the base's [phone] find_my = false


def test_a_json_profile_with_data_values(tmp_path: Path) -> None:
    path = tmp_path / "phone.json"
    path.write_text(
        json.dumps(
            {
                "values": {
                    "UniqueDeviceID": "0123456789abcdef0123456789abcdef01234567",
                    "ProductType": "iPhone10,4",
                    "ProductVersion": "16.7.8",
                    "NonVolatileRAM": {"fm-activation-locked": {"$data": "WUVT"}},
                    "PhoneNumber": None,
                },
                "behaviour": {"paired": False, "trust": "deny"},
            }
        ),
        encoding="utf-8",
    )
    profile = load_file(path)
    assert profile.values["NonVolatileRAM"]["fm-activation-locked"] == b"YES"
    assert "PhoneNumber" not in profile.values
    assert not profile.behaviour.paired
    assert profile.behaviour.trust == "deny"


def test_a_raw_plist_is_a_paired_phone(tmp_path: Path) -> None:
    values = {
        "UniqueDeviceID": "00008030-000A11C00E40FFFF",
        "ProductType": "iPhone12,1",
        "ProductVersion": "17.0",
    }
    for name, kind in (("xml.plist", plistlib.FMT_XML), ("binary.plist", plistlib.FMT_BINARY)):
        (tmp_path / name).write_bytes(plistlib.dumps(values, fmt=kind))
        profile = load_file(tmp_path / name)
        assert profile.values == values
        assert profile.behaviour.paired


def test_ideviceinfo_text_is_read_back_into_values() -> None:
    text = (
        "ActivationState: Activated\n"
        "BoardId: 14\n"
        "CarrierBundleInfoArray[1]: \n"
        " 0: \n"
        "  CFBundleIdentifier: com.apple.NTTDOCOMO_jp\n"
        "  MCC: 440\n"
        "DeviceColor: 1\n"
        "NonVolatileRAM:\n"
        " boot-args:\n"
        " auto-boot: dHJ1ZQ==\n"
        "PasswordProtected: false\n"
        "SupportedDeviceFamilies[1]:\n"
        " 0: 1\n"
        "TimeIntervalSince1970: 1667395772.152844\n"
        "WiFiAddress: 14:bd:61:00:00:00\n"
    )
    assert parse_ideviceinfo_text(text) == {
        "ActivationState": "Activated",
        "BoardId": 14,
        "CarrierBundleInfoArray": [{"CFBundleIdentifier": "com.apple.NTTDOCOMO_jp", "MCC": "440"}],
        "DeviceColor": "1",
        "NonVolatileRAM": {"boot-args": "", "auto-boot": "dHJ1ZQ=="},
        "PasswordProtected": False,
        "SupportedDeviceFamilies": [1],
        "TimeIntervalSince1970": 1667395772.152844,
        "WiFiAddress": "14:bd:61:00:00:00",
    }


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (
            'base = "iphone13-docomo"\n[gadget]\nx = 1\n',
            ".toml",
            "gadget: unknown key (known: description, base,",
        ),
        (
            'base = "iphone13-docomo"\n[behavior]\n',
            ".toml",
            "behavior: unknown key (did you mean 'behaviour'?)",
        ),
        (
            'base = "iphone13-docomo"\n[behaviour]\nlatency_ms = "fast"\n',
            ".toml",
            "behaviour.latency_ms: expected float >= 0",
        ),
        (
            'base = "iphone13-docomo"\n[behaviour]\npaired = "false"\n',
            ".toml",
            "behaviour.paired: expected bool, got 'false'",
        ),
        (
            'base = "iphone13-docomo"\n[behaviour]\nlocked = true\n',
            ".toml",
            "behaviour.locked: unknown key (did you mean",
        ),
        (
            'base = "iphone13-docomo"\n[behaviour]\ntrust = "maybe"\n',
            ".toml",
            "behaviour.trust: expected one of 'accept', 'deny', 'never', got 'maybe'",
        ),
        (
            'base = "iphone13-docomo"\n[phone]\nsim = "esim"\n',
            ".toml",
            "phone.sim: expected one of 'none', 'pin-locked', 'ready', 'refused', got 'esim'",
        ),
        (
            'base = "iphone13-docomo"\n[phone]\nfind_my = "yes"\n',
            ".toml",
            "phone.find_my: expected bool, got 'yes'",
        ),
        ('base = "iphone13-docomo"\nvalues = 3\n', ".toml", "values: expected a table, got 3"),
        (
            'base = "iphone13-docomo"\n[domains]\n"com.apple.fmip" = 1\n',
            ".toml",
            'domains."com.apple.fmip": expected a table',
        ),
        (
            'base = "iphone13-docomo"\n[mcinstall]\nprofiles = {}\n',
            ".toml",
            "mcinstall.profiles: expected an array",
        ),
        (
            'base = "iphone13-docomo"\n[usb]\nlocation_id = -1\n',
            ".toml",
            "usb.location_id: expected int >= 0",
        ),
        (
            '{"base": "iphone13-docomo", "values": {"X": {"$data": "!!"}}}',
            ".json",
            'values.X."$data": expected base64 text',
        ),
        ('[values]\nProductType = "iPhone14,5"\n', ".toml", "values.UniqueDeviceID: missing"),
        ("[values\n", ".toml", "not valid TOML"),
        ('{"values": ', ".json", "not valid JSON"),
        ("this is not a phone\n", ".txt", "not ideviceinfo output"),
        ('base = "loop.toml"\n', ".toml", "refers back to itself"),
    ],
)
def test_profile_errors_name_the_file_and_the_problem(
    tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"loop{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_file(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_the_sim_command_refuses_a_broken_profile_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "phone.toml"
    path.write_text('base = "iphone13-docomo"\n[behaviour]\nscreen_locked = 1\n', encoding="utf-8")
    result = run_cli(["sim", "ios", "--device", str(path), "--port", "0"], env={})
    assert result.exit_code == 78
    assert result.stderr == f"tenken: {path}: behaviour.screen_locked: expected bool, got 1\n"


def test_an_unknown_profile_lists_the_bundled_ones() -> None:
    with pytest.raises(ProfileError) as raised:
        resolve("iphone99")
    assert "iphone13-docomo" in str(raised.value)
