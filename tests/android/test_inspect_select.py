"""`tenken inspect` choosing Android phones as adb does (-s, ANDROID_SERIAL), and telling a transport that
could not be asked from a station with nothing attached: the real CLI → adbutils → adb server → simulator."""

from __future__ import annotations

import json

from tenken.sim.android.adb_server import PrivateAdbServer as AdbServer
from tests.android.conftest import Phones
from tests.conftest import CliResult, run_cli


def inspect(adb_server: AdbServer, env: dict[str, str], *arguments: str) -> CliResult:
    return run_cli(["inspect", "--adb-port", str(adb_server.port), "--json", "--no-lookup", *arguments], env)


def serials(result: CliResult) -> list[str]:
    return [entry["device"]["device_id"] for entry in json.loads(result.stdout)["phones"]]


def test_usbmuxd_down_while_android_phones_are_read_is_could_not_ask(
    phones: Phones, adb_server: AdbServer, env: dict[str, str]
) -> None:
    attached = phones.attach("so51c-docomo")
    result = inspect(adb_server, env, "--usbmux", "127.0.0.1:9")

    assert result.exit_code == 3  # was 0: the iPhones on this station were never looked for
    payload = json.loads(result.stdout)
    assert serials(result) == [attached.serial]
    assert payload["phones"][0]["state"] == "ready"
    assert list(payload["problems"]) == ["ios"]
    assert payload["problems"]["ios"]["code"] == "inspect.not_looked_for"
    assert "usbmuxd is not reachable at 127.0.0.1:9" in payload["problems"]["ios"]["text"]
    assert "usbmuxd is not reachable" in result.stderr

    # The phone asked for by serial was found: where usbmuxd is does not matter to that answer.
    picked = inspect(adb_server, env, "--usbmux", "127.0.0.1:9", "--serial", attached.serial)
    assert picked.exit_code == 2, picked.stderr  # found; held: the carriers not asked (--no-lookup)
    assert json.loads(picked.stdout)["problems"]["ios"]["code"] == "inspect.not_looked_for"


def test_dash_s_and_android_serial_pick_a_phone_as_adb_does(
    phones: Phones, adb_server: AdbServer, env: dict[str, str]
) -> None:
    first = phones.attach("so51c-docomo")
    second = phones.attach("shg14-au")
    assert serials(inspect(adb_server, env, "--platform", "android", "-s", first.serial)) == [first.serial]

    chosen = {**env, "ANDROID_SERIAL": second.serial}
    assert serials(inspect(adb_server, chosen, "--platform", "android")) == [second.serial]
    # -s wins over ANDROID_SERIAL, as in adb
    assert serials(inspect(adb_server, chosen, "--platform", "android", "-s", first.serial)) == [first.serial]

    gone = inspect(adb_server, {**env, "ANDROID_SERIAL": "127.0.0.1:9"}, "--platform", "android")
    assert gone.exit_code == 4
    assert json.loads(gone.stdout)["not_attached"] == ["127.0.0.1:9"]


def test_an_adb_server_without_phones_is_nothing_attached(adb_server: AdbServer, env: dict[str, str]) -> None:
    result = inspect(adb_server, env, "--platform", "android")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["phones"] == []
