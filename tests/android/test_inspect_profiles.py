"""Every bundled profile inspected through `tenken inspect` → adbutils → adb server → simulator."""

from __future__ import annotations

from typing import Any

import pytest

from tests.android.conftest import Phones
from tests.conftest import text

# profile → facts that must come out (value, provenance)
EXPECTED: dict[str, dict[str, tuple[Any, str]]] = {
    "so51c-docomo": {
        "imei": ("004401510000017", "measured"),
        "imei2": ("004401510000025", "measured"),
        "model_id": ("SO-51C", "measured"),
        "model_name": ("Xperia 1 IV", "inferred"),
        "manufacturer": ("Sony", "measured"),
        "brand": ("docomo", "measured"),
        "os_version": ("14", "measured"),
        "security_patch": ("2024-08-01", "measured"),
        "serial": ("QV71SIM0001", "measured"),
        "sold_for": ("docomo", "inferred"),
        "sim_carrier": ("docomo network", "measured"),
        "sim_state": ("READY,ABSENT", "measured"),
        "sim_locked": (False, "inferred"),
        "owner_lock": (False, "measured"),
        "bootloader_unlocked": (False, "measured"),
        "setup_complete": (True, "measured"),
        "battery_level_pct": (86, "measured"),
        "storage_bytes": (226492416 * 1024, "measured"),
    },
    "shg14-au": {
        "imei": ("004402140000013", "measured"),
        "model_name": ("AQUOS sense9", "inferred"),
        "sold_for": ("au", "inferred"),
        "sim_carrier": ("au network", "measured"),
        "sim_locked": (False, "inferred"),
        "battery_level_pct": (64, "measured"),
    },
    "sc51d-docomo": {
        "imei2": ("004402510000023", "measured"),
        "model_name": ("Galaxy S23", "inferred"),
        "sold_for": ("docomo", "inferred"),
        "owner_lock": (True, "measured"),
        "owner_accounts": (
            ["com.google (y***@example.jp)", "com.osp.app.signin (y***@example.jp)"],
            "measured",
        ),
        "sim_carrier": ("none", "measured"),
        "battery_health_pct": (89.0, "measured"),
        "battery_level_pct": (91, "measured"),
    },
    "a002so-softbank": {
        "model_name": ("Xperia 5 II", "inferred"),
        "sold_for": ("softbank", "inferred"),
        "sim_locked": (True, "inferred"),
        "os_version": ("12", "measured"),
    },
    "pixel7-jp": {
        "imei": ("004400070000011", "measured"),
        "model_id": ("Pixel 7", "measured"),
        "sales_region": ("JP", "inferred"),
        "sold_for": (None, "unknown"),
        "bootloader_unlocked": (True, "measured"),
        "sim_carrier": ("rakuten network", "measured"),
        "sim_locked": (False, "inferred"),
        "os_version": ("15", "measured"),
    },
    "sov33-au": {
        "imei": ("004400330000017", "measured"),
        "imei2": (None, "unknown"),
        "os_version": ("6.0", "measured"),
        "sold_for": ("au", "inferred"),
        "sim_locked": (True, "inferred"),
        "battery_level_pct": (23, "measured"),
    },
}


def test_every_bundled_profile_is_covered() -> None:
    from tenken.sim.android.profile import bundled_names

    assert sorted(EXPECTED) == bundled_names()


def test_bundled_profiles_inspected_together(phones: Phones, inspect_cli: Any) -> None:
    attached = {name: phones.attach(name) for name in EXPECTED}
    inspection = inspect_cli(*(item.serial for item in attached.values()))
    assert inspection.exit_code == 1, inspection.output  # the Galaxy S23 with its owner's Google account
    for name, expected in EXPECTED.items():
        serial = attached[name].serial
        assert inspection.devices[serial]["state"] == "ready", (
            name,
            text(inspection.devices[serial]["action"]),
        )
        facts = inspection.facts(serial)
        for fact, (value, provenance) in expected.items():
            assert (facts[fact]["value"], facts[fact]["provenance"]) == (value, provenance), (
                name,
                fact,
                facts[fact],
            )


def test_terminal_report_shows_the_facts(phones: Phones, adb_server: Any, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from tenken.cli import cli

    attached = phones.attach("so51c-docomo")
    env = {
        "HOME": str(adb_server.home),
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(
        cli,
        [
            "inspect",
            "--platform",
            "android",
            "--adb-port",
            str(adb_server.port),
            "--no-lookup",
            "--serial",
            attached.serial,
        ],
        env=env,
    )
    assert result.exit_code == 2, result.output  # held: in use, the carriers not asked (--no-lookup)
    assert "Xperia 1 IV" in result.output
    assert "004401510000017" in result.output
    assert "service call iphonesubinfo 1 s16 com.android.shell" in result.output


def test_accounts_are_masked_everywhere(phones: Phones, inspect_cli: Any) -> None:
    attached = phones.attach("sc51d-docomo")
    inspection = inspect_cli(attached.serial)
    assert "yamada.hanako@example.jp" not in inspection.output
    notes = text(inspection.facts(attached.serial)["owner_lock"]["note"])
    assert "Google account (FRP)" in notes
    assert "Samsung account (Reactivation Lock)" in notes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_profile_banner_reaches_adb_devices(name: str, phones: Phones, adb_server: Any) -> None:
    attached = phones.attach(name)
    listing = adb_server.adb("devices", "-l").stdout
    line = next(line for line in listing.splitlines() if line.startswith(attached.serial))
    assert " device " in line
    assert f"model:{attached.profile.model.replace(' ', '_').replace('-', '_')}" in line


def test_a_dump_with_a_value_that_never_closes(phones: Phones, inspect_cli: Any, tmp_path: Any) -> None:
    # The simulator reads a dump with the reader's parser: a value left open ends at the next entry.
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "[persist.sys.boot.reason]: [reboot,\n[ro.product.model]: [SO-51C]\n[ro.build.version.sdk]: [34]\n",
        encoding="utf-8",
    )
    attached = phones.attach(dump)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert (facts["model_id"]["value"], facts["sold_for"]["value"]) == ("SO-51C", "docomo")
