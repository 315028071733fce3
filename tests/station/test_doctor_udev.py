"""`tenken doctor` against the simulators and real sockets, and `tenken udev print|install`."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tenken import config
from tenken.devices.android.server import listening_beyond_loopback
from tenken.report.labels import CATALOG, label, render
from tenken.report.schema import DoctorCheck
from tenken.sim.android.adb_server import PrivateAdbServer
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.ios.simulator import IosSimulator
from tenken.station.doctor import Status, run_checks
from tests.conftest import fast_env, run_cli
from tests.station.conftest import AndroidPhones, android
from tests.test_labels import codes_in_source

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
            check.code: check
            for check in run_checks(
                config.load(environ=environ), udev_dirs=[rules], usb_root=tmp_path / "no-usb"
            )
        }
        assert checks["usbmuxd"].status is Status.OK
        assert checks["udev_android"].status is Status.OK and checks["udev_iphone"].status is Status.OK
        assert checks["usb_permissions"].status is Status.WARN  # nothing attached to check
        assert checks["data_folder"].status is Status.OK
        assert (
            checks["database"].status is Status.OK and checks["database"].found.code == "doctor.db.first_use"
        )
        assert checks["carrier_sites"].status is Status.WARN  # every site is this machine: a simulator
        assert checks["webhook"].status is Status.FAIL
        assert (
            render(checks["webhook"].found)
            == f"127.0.0.1:{dead.getsockname()[1]} does not answer (connection refused)"
        )

        run_cli(["lookup", "--carrier", "docomo", "490154203237518"], environ)  # the database now exists
        result = run_cli(["doctor", "--json"], environ)
    payload = json.loads(result.stdout)
    assert result.exit_code == 1 and payload["ok"] is False
    found = {check["code"]: check for check in payload["checks"]}
    assert found["database"]["status"] == "ok" and found["database"]["found"]["code"] == "doctor.db.current"
    assert "(latest)" in found["database"]["found"]["text"]
    assert found["webhook"]["fix"]["code"] == "doctor.webhook.start_receiver"


def test_doctor_reports_a_stopped_usbmuxd_and_a_database_of_a_newer_tenken(tmp_path: Path) -> None:
    environ = {
        "TENKEN_DB": str(newer_database(tmp_path)),
        "TENKEN_IOS_USBMUX": str(tmp_path / "no-usbmuxd.sock"),
        "TENKEN_CONFIG": "",
    }
    checks = {check.code: check for check in run_checks(config.load(environ=environ), udev_dirs=[])}
    assert checks["usbmuxd"].status is Status.FAIL and "usbmuxd" in render(checks["usbmuxd"].fix)
    assert (
        render(checks["usbmuxd"].found, "ja")
        == f"{tmp_path / 'no-usbmuxd.sock'} の usbmuxd に接続できません：ソケットがありません"
    )
    assert checks["database"].status is Status.FAIL and render(checks["database"].fix) == "upgrade tenken"
    assert render(checks["udev_android"].fix) == "sudo tenken udev install"
    assert render(checks["udev_android"].fix, "ja") == "sudo tenken udev install を実行してください"


def test_doctor_names_a_database_folder_that_does_not_exist(tmp_path: Path) -> None:
    """A missing SQLite file is made on first use, but not in a folder that is not there (a typo in --db)."""
    from tenken.station.doctor import database

    typo = config.load(environ={"TENKEN_CONFIG": "", "TENKEN_DB": str(tmp_path / "no-such" / "t.sqlite3")})
    check = database(typo)
    assert check.status is Status.FAIL and check.found.code == "doctor.db.no_folder"
    in_data_folder = config.load(environ={"TENKEN_CONFIG": "", "TENKEN_DATA_DIR": str(tmp_path / "new")})
    assert database(in_data_folder).status is Status.OK  # the data folder is made with the database


def test_doctor_on_databases_empty_older_away_and_not_one(tmp_path: Path) -> None:
    from tenken.station.doctor import database
    from tenken.store.schema import HEAD

    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    cases = {
        str(empty): (Status.WARN, "doctor.db.empty"),
        str(newer_database(tmp_path, "0001")): (Status.WARN, "doctor.db.older"),
        "postgresql+psycopg://tenken:s3cret@127.0.0.1:9/tenken": (Status.FAIL, "doctor.db.unreachable"),
        "://no-database": (Status.FAIL, "doctor.db.unusable"),
    }
    for db, (status, code) in cases.items():
        check = database(config.load(environ={"TENKEN_CONFIG": "", "TENKEN_DB": db}))
        assert (check.status, check.found.code) == (status, code), db
        assert check.fix is not None and "s3cret" not in render(check.found)
    older = database(
        config.load(environ={"TENKEN_CONFIG": "", "TENKEN_DB": str(tmp_path / "at-0001.sqlite3")})
    )
    assert render(older.found, "ja").endswith(f"スキーマ 0001（最新は {HEAD}）")


def test_doctor_shows_no_webhook_credential() -> None:
    from tenken.config import Settings, WebhookSettings
    from tenken.station.doctor import webhook

    url = "htps://hooks:s3cret@qa.shop.lan/tenken?token=s3cret"  # a typo in the scheme
    check = webhook(Settings(webhook=WebhookSettings(url=url)))
    shown = render(check.found)
    assert (
        check.status.value == "fail"
        and "s3cret" not in shown
        and "s3cret" not in json.dumps(check.found.params)
    )
    assert "hooks:***@qa.shop.lan" in shown and "token=***" in shown


# ---------------------------------------------------------------------------------- doctor in two languages

# What Japanese doctor output keeps in Latin letters: names of programs and things, and what a person
# types (commands, settings, environment variables, in `backticks` or not). Never a sentence.
COMMANDS = ("sudo tenken udev install", "apt install usbmuxd", "kill-server")
NAMES = {"usbmuxd", "iPhone", "Android", "adb", "ADB", "udev", "USB", "Webhook", "URL", "tenken"}
NAMES |= {"plugdev", "http", "https", "whsec_", "base64", "db", "au"}
NAMES |= {"IMEI", "HTTP", "CAPTCHA", "JavaScript", "JSON"}  # doctor --carriers
TYPED = re.compile(  # `a command`, a setting (lookup.au.origin, data_dir), an environment variable
    r"`[^`]*`|\b[a-z_]+(?:\.[a-z_{}]+)+\b|\b[a-z]+(?:_[a-z]+)+\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"
)
PLACEHOLDER = re.compile(r"\{\w+(?::\w+)?\}")
CHECK_CODES = set(typing.get_args(DoctorCheck))  # the codes the JSON Schema promises


def english_left(text: str, data: Iterable[str] = ()) -> list[str]:
    """Latin words in `text` (a screen, or a template) that are neither data (`data`: paths, addresses,
    versions, what a library said), nor typed by a person, nor a name."""
    for value in sorted(data, key=len, reverse=True):
        if re.search("[A-Za-z]", value):
            text = text.replace(value, " ")
    for command in COMMANDS:
        text = text.replace(command, " ")
    text = PLACEHOLDER.sub(" ", TYPED.sub(" ", text))  # a template's placeholders stand for data
    return [word for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if word not in NAMES]


def leaves(params: Any) -> Iterator[str]:
    """Every plain value among a JSON message's parameters: the data it quotes."""
    if isinstance(params, dict):
        if set(params) == {"code", "params", "text"}:
            yield from leaves(params["params"])
        else:
            for value in params.values():
                yield from leaves(value)
    elif isinstance(params, list):
        for value in params:
            yield from leaves(value)
    elif params is not None:
        yield str(params)


def doctor_in_both_languages(environ: dict[str, str]) -> tuple[dict[str, Any], str, str]:
    wide = {**environ, "COLUMNS": "400"}  # a row on one line: words are not folded
    as_json = run_cli(["doctor", "--json"], wide)
    japanese = run_cli(["--lang", "ja", "doctor"], wide)
    english = run_cli(["--lang", "en", "doctor"], wide)
    assert as_json.exit_code == japanese.exit_code == english.exit_code == 1, japanese.stderr
    return json.loads(as_json.stdout), japanese.stdout, english.stdout


def assert_spoken(payload: dict[str, Any], japanese: str, english: str) -> None:
    """Each check in the JSON (stable codes) is on both screens in words, and the Japanese screen has no
    English left but names, data and what a person types."""
    assert {check["code"] for check in payload["checks"]} == CHECK_CODES
    data: set[str] = set()
    for check in payload["checks"]:
        assert check["status"] in ("ok", "warn", "fail")
        assert f"doctor.check.{check['code']}" in CATALOG
        for said in (check["found"], check["fix"]):
            if said is None:
                continue
            assert said["code"].startswith("doctor.") and said["code"] in CATALOG
            assert render(message(said), "en") == said["text"] and said["text"] in english
            assert render(message(said), "ja") in japanese
            data |= set(leaves(said))
        assert label(f"doctor.check.{check['code']}", "ja") in japanese
        assert label(f"doctor.status.{check['status']}", "ja") in japanese
    for heading in ("check", "status", "found", "fix"):
        assert label(f"doctor.heading.{heading}", "ja") in japanese
    assert english_left(japanese, data) == []
    assert "not reachable" not in japanese and "created on first use" not in japanese


def message(said: dict[str, Any]) -> Any:
    from tenken.facts import message_from_json

    return message_from_json({"code": said["code"], "params": said["params"]})


def test_doctor_speaks_japanese_and_english_on_a_station_of_simulators(
    carrier_sim: CarrierSimulator, adb_server: PrivateAdbServer, androids: AndroidPhones, tmp_path: Path
) -> None:
    androids.attach(android("pixel7-jp"))
    with IosSimulator() as iphones, socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))  # bound, never listening: the webhook receiver is down
        environ = {
            **fast_env(carrier_sim, tmp_path),
            "TENKEN_IOS_USBMUX": iphones.address,
            "TENKEN_ANDROID_ADB_PORT": str(adb_server.port),
            "TENKEN_WEBHOOK_URL": f"http://127.0.0.1:{dead.getsockname()[1]}/hook",
            "TENKEN_LANG": "",
            "LANG": "C.UTF-8",
        }
        before = doctor_in_both_languages(environ)
        run_cli(["lookup", "--carrier", "docomo", "490154203237518"], environ)  # the database now exists
        after = doctor_in_both_languages(environ)
        by_locale = run_cli(["doctor"], {**environ, "LANG": "ja_JP.UTF-8", "COLUMNS": "400"}).stdout
    for payload, japanese, english in (before, after):
        assert_spoken(payload, japanese, english)
    found = {check["code"]: check["found"] for check in after[0]["checks"]}
    assert found["usbmuxd"]["code"] == "doctor.usbmuxd.ok" and found["adb_server"]["code"] == "doctor.adb.ok"
    assert found["adb_server"]["params"]["phones"] == 1
    assert "端末 1 台、ループバックのみで待ち受け" in after[1]
    assert found["database"]["code"] == "doctor.db.current" and "（最新）" in after[1]
    assert "初回使用時に作成されます" in before[1]
    assert "シミュレーターでしょうか" in after[1] and "接続を拒否されました" in after[1]
    assert by_locale == after[1]


def test_doctor_speaks_japanese_when_things_are_wrong(tmp_path: Path) -> None:
    """usbmuxd stopped, a database a newer tenken migrated, something else on the adb port, a webhook
    receiver that answers but a secret that cannot be read, a carrier switched off."""
    with socket.socket() as stranger, socket.socket() as receiver:
        for listener in (stranger, receiver):
            listener.bind(("127.0.0.1", 0))
            listener.listen()  # connections wait in the backlog: nobody answers them
        environ = {
            "TENKEN_CONFIG": "",
            "TENKEN_LANG": "",
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "TENKEN_DATA_DIR": str(tmp_path / "data"),
            "TENKEN_DB": str(newer_database(tmp_path)),
            "TENKEN_IOS_USBMUX": str(tmp_path / "no-usbmuxd.sock"),
            "TENKEN_ANDROID_ADB_PORT": str(stranger.getsockname()[1]),
            "TENKEN_ANDROID_TIMEOUT": "0.5",
            "TENKEN_WEBHOOK_URL": f"http://127.0.0.1:{receiver.getsockname()[1]}/hook",
            "TENKEN_WEBHOOK_SECRET": "whsec_not*base64",
            "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false",
        }
        payload, japanese, english = doctor_in_both_languages(environ)
    assert_spoken(payload, japanese, english)
    found = {check["code"]: check["found"]["code"] for check in payload["checks"]}
    assert found["usbmuxd"] == "doctor.usbmuxd.unreachable" and found["database"] == "doctor.db.newer"
    assert found["adb_server"] == "doctor.adb.not_adb" and found["webhook"] == "doctor.webhook.bad_secret"
    assert "楽天モバイル：無効" in japanese and "Rakuten Mobile off" in english
    assert "tenken をアップグレードしてください" in japanese


def test_every_doctor_message_is_japanese_in_japanese() -> None:
    """Every finding and fix doctor can say, also those no test station reaches (a phone's USB node that
    cannot be opened, an adb server open to the network): Japanese but for names and what is typed."""
    used = {code for code in codes_in_source() if code.startswith("doctor.")}
    assert len(used) > 40
    for code in [*used, *(f"doctor.check.{check}" for check in CHECK_CODES)]:
        japanese = CATALOG[code][1]
        assert english_left(japanese) == [], code


def newer_database(tmp_path: Path, revision: str = "9999") -> Path:
    """A SQLite file at a schema revision this tenken does not know (a newer one migrated it), or at
    `revision`."""
    import sqlalchemy as sa

    database = tmp_path / f"at-{revision}.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES (:revision)"), {"revision": revision})
    engine.dispose()
    return database
