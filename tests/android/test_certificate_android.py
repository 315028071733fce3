"""Certificates and exports of Android phones (the real CLI → adbutils → adb server → simulator): FRP with
its Google and Samsung accounts, the bootloader, a battery known only by its health category."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tenken.report.html import claims
from tenken.sim.android.adb_server import PrivateAdbServer as AdbServer
from tests.android.conftest import Phones
from tests.conftest import run_cli


def test_android_certificates_verify_and_export(
    phones: Phones, adb_server: AdbServer, env: dict[str, str], tmp_path: Path
) -> None:
    phones.attach("sc51d-docomo")  # Google and Samsung accounts: FRP
    phones.attach("so51c-docomo")
    out = tmp_path / "certificates"
    result = run_cli(
        [
            "inspect",
            "--platform",
            "android",
            "--adb-port",
            str(adb_server.port),
            "--json",
            "--no-lookup",
            "--certificates",
            str(out),
        ],
        env,
    )
    assert result.exit_code < 64, result.stderr
    pages = {
        claims(path.read_text(encoding="utf-8")).values["fact.model_id"]: path for path in out.glob("*.html")
    }
    assert set(pages) == {"SC-51D", "SO-51C"}
    found = claims(pages["SC-51D"].read_text(encoding="utf-8")).values
    assert found["fact.owner_lock"] == "あり / yes" and found["verdict.retail"] == "販売不可 / BLOCKED"
    assert "bootloader_unlocked" in " ".join(found) and "fact.bootloader_unlocked.how" in found
    for path in pages.values():
        assert run_cli(["verify", str(path)], env).exit_code == 0

    exported = run_cli(["export"], env)
    rows = {row["model_number"]: row for row in csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff")))}
    galaxy = rows["SC-51D"]
    assert galaxy["find_my_frp"] == "on" and galaxy["retail"] == "BLOCKED" and galaxy["docomo"] == ""
    assert galaxy["certificate"] == str(pages["SC-51D"].resolve())


def test_android_mdm_measured_off_is_off_in_the_export_and_history(
    phones: Phones, adb_server: AdbServer, env: dict[str, str]
) -> None:
    """Android has no supervision: the device-policy read alone says whether an organisation manages it."""
    serial = phones.attach("so51c-docomo").serial
    where = ["--platform", "android", "--adb-port", str(adb_server.port), "--serial", serial]
    inspected = run_cli(["inspect", "--json", "--no-lookup", *where], env)
    [phone] = json.loads(inspected.stdout)["phones"]
    assert (phone["facts"]["mdm_enrolled"]["value"], phone["facts"]["mdm_enrolled"]["provenance"]) == (
        False,
        "measured",
    )
    assert "mdm_unknown" not in {reason["code"] for reason in phone["verdicts"]["retail"]["reasons"]}

    [row] = csv.DictReader(io.StringIO(run_cli(["export"], env).stdout.lstrip("\ufeff")))
    assert row["mdm"] == "off"
    [history] = json.loads(run_cli(["history", "QV71SIM0001", "--json"], env).stdout)["phones"]
    [entry] = history["inspections"]
    assert entry["mdm"] is False
