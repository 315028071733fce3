"""`tenken doctor` against the simulators and real sockets, and `tenken udev print|install`."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from tenken import config
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.ios.simulator import IosSimulator
from tenken.station.doctor import Status, listening_beyond_loopback, run_checks
from tests.conftest import fast_env, run_cli

REPO = Path(__file__).resolve().parents[2]


def test_udev_print_is_the_repositorys_rule_and_matches_the_adb_interface(tmp_path: Path) -> None:
    printed = run_cli(["udev", "print"], {})
    assert printed.exit_code == 0
    assert printed.stdout == (REPO / "udev" / "51-android.rules").read_text(encoding="utf-8")
    assert "*:ff4201:*" in printed.stdout


def test_udev_install_writes_the_rule_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("PATH", str(tmp_path / "no-udevadm"))  # a container without udev: said, not fatal
    result = run_cli(["udev", "install", "--rules-dir", str(tmp_path / "rules.d")], {})
    rule = tmp_path / "rules.d" / "51-android.rules"
    assert result.exit_code == 0, result.stderr
    assert rule.read_text(encoding="utf-8") == run_cli(["udev", "print"], {}).stdout
    assert stat.S_IMODE(rule.stat().st_mode) == 0o644
    assert "udevadm not found" in result.stderr and "plugdev" in result.stdout


def test_udev_install_says_it_needs_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    result = run_cli(["udev", "install", "--rules-dir", str(tmp_path)], {})
    assert result.exit_code == 77
    assert "needs root" in result.stderr and "sudo tenken udev install" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_socket_listening_on_every_interface_is_found_and_loopback_is_not() -> None:
    with socket.socket() as everywhere, socket.socket() as loopback:
        everywhere.bind(("0.0.0.0", 0))
        everywhere.listen()
        loopback.bind(("127.0.0.1", 0))
        loopback.listen()
        assert listening_beyond_loopback(everywhere.getsockname()[1]) == ["0.0.0.0"]
        assert listening_beyond_loopback(loopback.getsockname()[1]) == []


def test_doctor_on_a_station_of_simulators(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    rules = tmp_path / "rules.d"
    rules.mkdir()
    (rules / "51-android.rules").write_text(run_cli(["udev", "print"], {}).stdout, encoding="utf-8")
    (rules / "39-usbmuxd.rules").write_text("# usbmuxd\n", encoding="utf-8")
    with IosSimulator() as iphones, socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))  # bound, never listening: nothing answers there
        environ = {
            **fast_env(carrier_sim, tmp_path),
            "TENKEN_IOS_USBMUX": iphones.address,
            "TENKEN_WEBHOOK_URL": f"http://127.0.0.1:{dead.getsockname()[1]}/hook",
        }
        checks = {
            check.name: check
            for check in run_checks(
                config.load(environ=environ), udev_dirs=[rules], usb_root=tmp_path / "no-usb"
            )
        }
        assert checks["usbmuxd"].status is Status.OK
        assert checks["udev (Android)"].status is Status.OK and checks["udev (iPhone)"].status is Status.OK
        assert checks["USB permissions"].status is Status.WARN  # nothing attached to check
        assert checks["data folder"].status is Status.OK
        assert checks["database"].status is Status.OK and "first use" in checks["database"].found
        assert checks["carrier sites"].status is Status.WARN  # every site is this machine: a simulator
        assert checks["webhook"].status is Status.FAIL and "does not answer" in checks["webhook"].found

        run_cli(["lookup", "--carrier", "docomo", "490154203237518"], environ)  # the database now exists
        result = run_cli(["doctor", "--json"], environ)
    payload = json.loads(result.stdout)
    assert result.exit_code == 1 and payload["ok"] is False
    found = {check["name"]: check for check in payload["checks"]}
    assert found["database"]["status"] == "ok" and "(latest)" in found["database"]["found"]
    assert found["webhook"]["fix"]


def test_doctor_reports_a_stopped_usbmuxd_and_a_database_of_a_newer_tenken(tmp_path: Path) -> None:
    import sqlalchemy as sa

    database = tmp_path / "newer.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    environ = {
        "TENKEN_DB": str(database),
        "TENKEN_IOS_USBMUX": str(tmp_path / "no-usbmuxd.sock"),
        "TENKEN_CONFIG": "",
    }
    checks = {check.name: check for check in run_checks(config.load(environ=environ), udev_dirs=[])}
    assert checks["usbmuxd"].status is Status.FAIL and "usbmuxd" in checks["usbmuxd"].fix
    assert checks["database"].status is Status.FAIL and checks["database"].fix == "upgrade tenken"
    assert checks["udev (Android)"].fix == "sudo tenken udev install"


def test_doctor_shows_no_webhook_credential() -> None:
    from tenken.config import Settings, WebhookSettings
    from tenken.station.doctor import webhook

    url = "htps://hooks:s3cret@qa.shop.lan/tenken?token=s3cret"  # a typo in the scheme
    check = webhook(Settings(webhook=WebhookSettings(url=url)))
    assert check.status.value == "fail" and "s3cret" not in check.found
    assert "hooks:***@qa.shop.lan" in check.found and "token=***" in check.found
