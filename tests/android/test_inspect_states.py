"""Each state a technician must see, and each IMEI/lock/FRP case, as an end-to-end inspection."""

from __future__ import annotations

import subprocess
import time
from typing import Any

from tests.android.conftest import AdbServer, Phones
from tests.conftest import text


def _wait_state(server: AdbServer, serial: str, state: str, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for line in server.adb("devices").stdout.splitlines()[1:]:
            if line.split() == [serial, state]:
                return
        time.sleep(0.1)
    raise AssertionError(f"{serial} never became {state}: {server.adb('devices').stdout}")


def test_unauthorized(phones: Phones, inspect_cli: Any, adb_server: AdbServer) -> None:
    attached = phones.attach("so51c-docomo", behaviour={"unauthorized": True})
    assert attached.connect_reply.startswith("failed to authenticate")
    _wait_state(adb_server, attached.serial, "unauthorized")
    inspection = inspect_cli(attached.serial)
    device = inspection.devices[attached.serial]
    assert device["state"] == "unauthorized"
    assert "Allow USB debugging?" in text(device["action"])
    assert inspection.exit_code == 2  # held: the technician must act
    assert "Traceback" not in inspection.output


def test_offline(phones: Phones, inspect_cli: Any, adb_server: AdbServer) -> None:
    attached = phones.attach("shg14-au", behaviour={"offline": True})
    _wait_state(adb_server, attached.serial, "offline")
    device = inspect_cli(attached.serial).devices[attached.serial]
    assert device["state"] == "offline"
    assert "unplug and replug" in text(device["action"])


def test_unplugged_mid_read_keeps_what_was_read(phones: Phones, inspect_cli: Any) -> None:
    # getprop is command 1; the cable comes out when command 3 arrives.
    attached = phones.attach("so51c-docomo", behaviour={"unplug_after_commands": 2})
    inspection = inspect_cli(attached.serial)
    device = inspection.devices[attached.serial]
    assert device["state"] == "unplugged"
    assert "plug it back in" in text(device["action"]).lower()
    assert device["facts"]["model_id"]["value"] == "SO-51C"
    assert inspection.exit_code == 3
    assert "Traceback" not in inspection.output


def test_missing_command_exit_127(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("sc51d-docomo", behaviour={"missing_commands": ["dumpsys"]})
    inspection = inspect_cli(attached.serial)
    device = inspection.devices[attached.serial]
    assert device["state"] == "ready"
    owner_lock = device["facts"]["owner_lock"]
    assert owner_lock["provenance"] == "unknown"
    assert "`dumpsys` is missing on this firmware (exit 127)" in text(owner_lock["note"])
    assert "Settings › Accounts" in text(owner_lock["note"])
    assert device["facts"]["battery_level_pct"]["provenance"] == "unknown"
    assert device["facts"]["imei"]["value"] == "004402510000015"  # `service` is still there


def test_missing_service_tool(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", behaviour={"missing_commands": ["service"]})
    imei = inspect_cli(attached.serial).facts(attached.serial)["imei"]
    assert imei["provenance"] == "unknown"
    assert "`service` is missing" in text(imei["note"])
    assert "*#06#" in text(imei["note"])


def test_null_imei(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", profile={"imei": ["", ""]})
    facts = inspect_cli(attached.serial).facts(attached.serial)
    for name in ("imei", "imei2"):
        assert facts[name]["provenance"] == "unknown"
        assert "answered null" in text(facts[name]["note"])


def test_security_exception(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", behaviour={"deny_identifiers": True})
    imei = inspect_cli(attached.serial).facts(attached.serial)["imei"]
    assert imei["provenance"] == "unknown"
    assert "refused the shell: SecurityException" in text(imei["note"])
    assert "does not meet the requirements to access device identifiers" in text(imei["note"])


def test_shifted_service_codes_fall_back(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", behaviour={"service_code_shift": 1})
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert facts["imei"]["value"] == "004401510000017"
    assert facts["imei"]["source"] == "service call iphonesubinfo 2 s16 com.android.shell"
    assert "shifted" in text(facts["imei"]["note"])
    assert facts["imei2"]["value"] == "004401510000025"
    assert facts["imei2"]["source"] == "service call iphonesubinfo 5 i32 1 s16 com.android.shell"


def test_network_locked_sim_is_measured(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(
        "a002so-softbank",
        props={"gsm.sim.state": "NETWORK_LOCKED,ABSENT", "gsm.sim.operator.numeric": "44010,"},
    )
    fact = inspect_cli(attached.serial).facts(attached.serial)["sim_locked"]
    assert (fact["value"], fact["provenance"], fact["source"]) == (True, "measured", "gsm.sim.state")
    assert "refused (NETWORK_LOCKED)" in text(fact["note"])
    assert "SoftBank" in text(fact["note"])


def test_other_carriers_sim_accepted_proves_unlocked(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach(
        "a002so-softbank",
        props={"gsm.sim.state": "READY,ABSENT", "gsm.sim.operator.numeric": "44010,"},
    )
    fact = inspect_cli(attached.serial).facts(attached.serial)["sim_locked"]
    assert (fact["value"], fact["provenance"]) == (False, "measured")


def test_inferred_sim_lock_names_its_rule(phones: Phones, inspect_cli: Any) -> None:
    locked = phones.attach("a002so-softbank")
    free = phones.attach("so51c-docomo")
    inspection = inspect_cli(locked.serial, free.serial)
    fact = inspection.facts(locked.serial)["sim_locked"]
    assert (fact["value"], fact["provenance"]) == (True, "inferred")
    assert text(fact["note"]).startswith("possibly SIM-locked: SoftBank model released 2020-10-09, before ")
    assert "SoftBank / Y!mobile handed every phone over unlocked from 2021-05-12" in text(fact["note"])
    fact = inspection.facts(free.serial)["sim_locked"]
    assert (fact["value"], fact["provenance"]) == (False, "inferred")


def test_model_era_fallback(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", props={"ro.product.model": "SO-55A"})
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert (facts["sold_for"]["value"], facts["sold_for"]["source"]) == (
        "docomo",
        "model-number scheme (fallback)",
    )
    assert (facts["sim_locked"]["value"], facts["sim_locked"]["provenance"]) == (True, "inferred")
    assert "model-number era" in text(facts["sim_locked"]["note"])


def test_no_account_vs_google_and_samsung_frp(phones: Phones, inspect_cli: Any) -> None:
    google_only = phones.attach("so51c-docomo")
    with_both = phones.attach("sc51d-docomo")
    inspection = inspect_cli(google_only.serial, with_both.serial)
    assert inspection.value(google_only.serial, "owner_lock") is False
    assert inspection.value(with_both.serial, "owner_lock") is True
    assert inspection.value(with_both.serial, "owner_accounts") == [
        "com.google (y***@example.jp)",
        "com.osp.app.signin (y***@example.jp)",
    ]


def test_google_account_only(phones: Phones, inspect_cli: Any, tmp_path: Any) -> None:
    profile = tmp_path / "google.toml"
    profile.write_text(
        '[profile]\nbase = "so51c-docomo"\n\n[[accounts]]\nname = "suzuki@example.jp"\ntype = "com.google"\n',
        encoding="utf-8",
    )
    attached = phones.attach(profile)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert facts["owner_lock"]["value"] is True
    assert facts["owner_accounts"]["value"] == ["com.google (s***@example.jp)"]
    assert "Samsung" not in text(facts["owner_lock"]["note"])


def test_unlocked_bootloader(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("pixel7-jp")
    fact = inspect_cli(attached.serial).facts(attached.serial)["bootloader_unlocked"]
    assert (fact["value"], fact["source"]) == (True, "ro.boot.flash.locked")
    assert "orange" in text(fact["note"])


def test_battery(phones: Phones, inspect_cli: Any) -> None:
    samsung = phones.attach("sc51d-docomo")
    other = phones.attach("shg14-au", battery={"level": 40, "scale": 50})
    inspection = inspect_cli(samsung.serial, other.serial)
    assert inspection.value(samsung.serial, "battery_health_pct") == 89.0
    assert inspection.value(other.serial, "battery_level_pct") == 80
    assert inspection.facts(other.serial)["battery_health_pct"]["provenance"] == "unknown"


def test_timeout_is_a_state(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("so51c-docomo", behaviour={"latency_ms": 1500})
    device = inspect_cli(attached.serial, extra_env={"TENKEN_ANDROID_TIMEOUT": "0.3"}).devices[
        attached.serial
    ]
    assert device["state"] == "timeout"
    assert "did not answer" in text(device["action"])


def test_android_6_without_shell_protocol(phones: Phones, inspect_cli: Any, adb_server: AdbServer) -> None:
    attached = phones.attach("sov33-au")
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert facts["imei"]["value"] == "004400330000017"
    assert facts["model_id"]["value"] == "SOV33"  # no CR left over from the PTY line ends
    shell = subprocess.run(
        [
            adb_server.binary,
            "-P",
            str(adb_server.port),
            "-s",
            attached.serial,
            "shell",
            "getprop ro.build.version.sdk",
        ],
        capture_output=True,
        env=adb_server.env,
        timeout=30,
        check=True,
    )
    assert shell.stdout == b"23\r\n"  # adbd before Android 7 ran `shell:` through a PTY


def test_output_larger_than_one_message_is_flow_controlled(phones: Phones, adb_server: AdbServer) -> None:
    import adbutils

    big = "x" * (3 * 1024 * 1024 // 2)  # more than the 1 MiB a single WRTE may carry
    attached = phones.attach("so51c-docomo", props={"persist.test.big": big})
    device = adbutils.AdbClient(port=adb_server.port).device(attached.serial)
    result = device.shell2("getprop persist.test.big", timeout=30, v2=True, rstrip=False)
    assert (result.returncode, result.stdout) == (0, big + "\n")
    assert device.shell("getprop persist.test.big", timeout=30) == big  # legacy shell: stream too


def test_a_stream_cut_short_leaves_no_account_name_in_the_report(
    phones: Phones, inspect_cli: Any, tmp_path: Any
) -> None:
    # Android 6 has no exit status of its own: when the stream ends before `echo X4EXIT:$?`, adbutils
    # raises with the whole output in the error, and that output is the account list.
    profile = tmp_path / "cut.toml"
    profile.write_text(
        '[profile]\nbase = "sov33-au"\n\n[behaviour]\ncut_off = ["dumpsys"]\n\n'
        '[[accounts]]\nname = "suzuki.ichiro@example.jp"\ntype = "com.google"\n',
        encoding="utf-8",
    )
    attached = phones.attach(profile)
    inspection = inspect_cli(attached.serial)
    owner_lock = inspection.facts(attached.serial)["owner_lock"]
    assert owner_lock["provenance"] == "unknown"
    assert "AdbError: shell output invalid" in text(owner_lock["note"])
    assert "suzuki.ichiro" not in inspection.output
    assert inspection.facts(attached.serial)["imei"]["value"] == "004400330000017"  # `service` unaffected


def test_carrier_restricted_sim_is_a_measured_lock(phones: Phones, inspect_cli: Any) -> None:
    # Pixels enforce a carrier lock as modem carrier restrictions: another carrier's SIM shows
    # CARD_RESTRICTED, never NETWORK_LOCKED. The launch-date rule would have said "not locked".
    attached = phones.attach(
        "pixel7-jp",
        props={"gsm.sim.state": "CARD_RESTRICTED,ABSENT", "gsm.sim.operator.numeric": "44010,"},
    )
    fact = inspect_cli(attached.serial).facts(attached.serial)["sim_locked"]
    assert (fact["value"], fact["provenance"], fact["source"]) == (True, "measured", "gsm.sim.state")
    assert "refused (CARD_RESTRICTED)" in text(fact["note"])


def test_sim_not_ready_is_not_an_empty_tray(phones: Phones, inspect_cli: Any) -> None:
    # Airplane mode powers the radio down: a SIM in the tray reads NOT_READY, not ABSENT.
    attached = phones.attach(
        "so51c-docomo", props={"gsm.sim.state": "NOT_READY,ABSENT", "gsm.sim.operator.numeric": ","}
    )
    fact = inspect_cli(attached.serial).facts(attached.serial)["sim_carrier"]
    assert (fact["value"], fact["provenance"]) == (None, "unknown")
    assert "slot 1 NOT_READY" in text(fact["note"]) and "airplane mode" in text(fact["note"])


def test_bootloader_properties_that_disagree_are_unknown(phones: Phones, inspect_cli: Any) -> None:
    # flash.locked says locked while verified boot is orange (unlocked): a hidden unlock, not a clean "no".
    attached = phones.attach("pixel7-jp", props={"ro.boot.flash.locked": "1"})
    fact = inspect_cli(attached.serial).facts(attached.serial)["bootloader_unlocked"]
    assert (fact["value"], fact["provenance"]) == (None, "unknown")
    assert "ro.boot.flash.locked = 1, ro.boot.verifiedbootstate = orange" in text(fact["note"])


def test_accounts_the_parser_cannot_read_are_not_no_accounts(
    phones: Phones, inspect_cli: Any, tmp_path: Any
) -> None:
    # "Accounts: 1" and no line the parser understands: that is not "no Google account".
    profile = tmp_path / "odd.toml"
    profile.write_text(
        '[profile]\nbase = "so51c-docomo"\n\n[[accounts]]\nname = "suzuki\\nichiro@example.jp"\ntype = "com.google"\n',
        encoding="utf-8",
    )
    attached = phones.attach(profile)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    for name in ("owner_lock", "owner_accounts"):
        assert (facts[name]["value"], facts[name]["provenance"]) == (None, "unknown")
    assert "declares 1 account(s) but only 0 could be read" in text(facts["owner_lock"]["note"])


def test_xiaomi_account_arms_an_owner_lock(phones: Phones, inspect_cli: Any, tmp_path: Any) -> None:
    # A Mi account with Find device locks the phone to it after a reset, as Google FRP does.
    profile = tmp_path / "xiaomi.toml"
    profile.write_text(
        '[profile]\nbase = "so51c-docomo"\n\n[props]\n"ro.product.manufacturer" = "Xiaomi"\n'
        '"ro.product.brand" = "Xiaomi"\n"ro.product.model" = "A201XM"\n\n'
        '[[accounts]]\nname = "6123456789"\ntype = "com.xiaomi"\n',
        encoding="utf-8",
    )
    attached = phones.attach(profile)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert (facts["owner_lock"]["value"], facts["owner_lock"]["provenance"]) == (True, "measured")
    assert "Xiaomi account" in text(facts["owner_lock"]["note"])
    assert facts["owner_accounts"]["value"] == ["com.xiaomi (6***)"]
