"""`tenken inspect` on simulated iPhones, and `tenken sim ios` as a process with phones plugged in and out."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.devices.ios import reader as ios
from tests.conftest import ESCAPES, MARKUP, assert_inert, run_cli, text
from tests.ios.simulator import SimulatorThread, bundled


@pytest.fixture
def env(usbmux: SimulatorThread, tmp_path: Path) -> dict[str, str]:
    return {
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "TENKEN_DB": str(tmp_path / "tenken.sqlite3"),
        "TENKEN_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "TENKEN_IOS_TIMEOUT": "5",
        "TENKEN_IOS_PAIR_TIMEOUT": "1",
        "USBMUXD_SOCKET_ADDRESS": "",
        "COLUMNS": "220",
    }


def inspect_args(usbmux: SimulatorThread, *extra: str) -> list[str]:
    return ["inspect", "--platform", "ios", "--usbmux", usbmux.address, "--no-lookup", *extra]


def test_json_for_every_phone(usbmux: SimulatorThread, env: dict[str, str]) -> None:
    docomo = usbmux.attach(bundled("iphone13-docomo"))
    find_my = usbmux.attach(bundled("iphone12-findmy"))
    result = run_cli(inspect_args(usbmux, "--json"), env)

    assert result.exit_code == 1, result.stderr  # Find My on: BLOCKED
    phones = {entry["device"]["device_id"]: entry for entry in json.loads(result.stdout)["phones"]}
    assert set(phones) == {docomo.udid, find_my.udid}
    assert phones[docomo.udid]["state"] == "ready"
    assert phones[docomo.udid]["device"]["usb_location"] == "0x01100000"
    assert phones[docomo.udid]["facts"]["imei"] == {
        "value": "353915111001014",
        "provenance": "measured",
        "source": "lockdown InternationalMobileEquipmentIdentity",
        "note": None,
    }
    assert phones[find_my.udid]["facts"]["owner_lock"]["value"] is True


def test_a_wifi_only_ipad_shows_no_cellular_and_who_could_have_sold_it_in_words(
    usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("ipad9-wifi"))
    shown = run_cli(["--lang", "ja", *inspect_args(usbmux, "--details")], env).stdout
    assert "ドコモ、au、ソフトバンク、楽天モバイル、SIMフリー" in shown  # names, not codes
    assert "モバイル通信機能なし" in shown and "IMEIを読み取れていません" not in shown
    shown = run_cli(["--lang", "en", *inspect_args(usbmux, "--details")], env).stdout
    assert "docomo, au, SoftBank, Rakuten Mobile, SIM-free" in shown


def test_a_phone_waiting_for_trust_flags_the_run(usbmux: SimulatorThread, env: dict[str, str]) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    waiting = usbmux.attach(bundled("iphone15-trust", trust="never"))
    result = run_cli(inspect_args(usbmux, "--json"), env)

    assert result.exit_code == 2
    states = {entry["device"]["device_id"]: entry["state"] for entry in json.loads(result.stdout)["phones"]}
    assert states[waiting.udid] == "waiting_for_trust"


def test_udid_picks_one_phone(usbmux: SimulatorThread, env: dict[str, str]) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    rakuten = usbmux.attach(bundled("iphone16-rakuten"))
    result = run_cli(inspect_args(usbmux, "--udid", rakuten.udid, "--json"), env)

    assert result.exit_code == 2, result.stderr  # held: in use, the carriers not asked
    assert [entry["device"]["device_id"] for entry in json.loads(result.stdout)["phones"]] == [rakuten.udid]


def test_udid_in_any_case_and_the_serial_number_pick_a_phone(
    usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    rakuten = usbmux.attach(bundled("iphone16-rakuten"))
    for option, value in (
        ("--udid", rakuten.udid.lower()),
        ("-s", "simt16rkt006"),
        ("--serial", "SIMT16RKT006"),
    ):
        result = run_cli(inspect_args(usbmux, option, value, "--json"), env)
        assert result.exit_code == 2, (option, result.stderr)
        assert [entry["device"]["device_id"] for entry in json.loads(result.stdout)["phones"]] == [
            rakuten.udid
        ]


def test_a_serial_number_is_asked_only_of_phones_that_trust_the_station(
    usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    untrusted = usbmux.attach(bundled("iphone15-trust"))
    result = run_cli(inspect_args(usbmux, "--serial", "SIMT15TRS007", "--json"), env)

    assert result.exit_code == 4  # not found: its serial is told only in a session
    assert json.loads(result.stdout)["not_attached"] == ["SIMT15TRS007"]
    assert untrusted.pair_polls == 0  # and looking for it put no Trust dialog on the phone


def test_port_by_location_or_by_its_name_in_the_configuration(
    usbmux: SimulatorThread, env: dict[str, str], tmp_path: Path
) -> None:
    first = usbmux.attach(bundled("iphone13-docomo"))  # 0x01100000
    second = usbmux.attach(bundled("iphone16-rakuten"))  # 0x01100001
    config = tmp_path / "config.toml"
    config.write_text('[ports]\n0x1100001 = "A-02"\n', encoding="utf-8")

    def picked(*arguments: str) -> list[str]:
        result = run_cli(["--config", str(config), *inspect_args(usbmux, *arguments, "--json")], env)
        assert result.exit_code == 2, result.stderr
        return [entry["device"]["device_id"] for entry in json.loads(result.stdout)["phones"]]

    assert picked("--port", "a-02") == [second.udid]
    assert picked("--port", "0x01100000") == [first.udid]
    assert picked("--port", "0x01100000", "--udid", second.udid) == [first.udid, second.udid]
    shown = run_cli(["--config", str(config), *inspect_args(usbmux, "--port", "A-02")], env)
    assert f"{second.udid}  port A-02 (0x01100001)" in shown.stdout

    empty = run_cli(["--config", str(config), *inspect_args(usbmux, "--port", "0x01100007", "--json")], env)
    assert empty.exit_code == 4
    assert json.loads(empty.stdout)["not_attached"] == ["0x01100007"]
    wrong = run_cli(["--config", str(config), *inspect_args(usbmux, "--port", "A-99")], env)
    assert wrong.exit_code == 64
    assert "'A-99': not a port name in the configuration's [ports] table (A-02)" in wrong.stderr


def test_nothing_attached_is_exit_4_not_could_not_ask(usbmux: SimulatorThread, env: dict[str, str]) -> None:
    result = run_cli(inspect_args(usbmux, "--json"), env)
    assert result.exit_code == 4
    payload = json.loads(result.stdout)
    assert {key: payload[key] for key in ("schema_version", "phones", "problems", "not_attached")} == {
        "schema_version": 3,
        "phones": [],
        "problems": {},
        "not_attached": [],
    }
    assert payload["channel"] == "retail" and payload["policy"]["name"] == "tenken default"
    human = run_cli(inspect_args(usbmux), env)
    assert human.exit_code == 4
    assert "No phone found" in human.stdout

    missing = run_cli(inspect_args(usbmux, "--udid", "00008110-00000000DEADBEEF"), env)
    assert missing.exit_code == 4
    assert "not attached: 00008110-00000000DEADBEEF" in missing.stdout


def test_terminal_report_shows_states_and_escapes_phone_strings(
    usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    """Strings from the phone (model, part number, carrier, iOS version) carry rich markup and raw terminal
    control; the simulator sends them in a binary plist, as XML cannot carry ESC."""
    hostile = bundled("iphone13-docomo")
    hostile.values["CarrierBundleInfoArray"] = [
        {"CFBundleIdentifier": f"carrier {MARKUP} {ESCAPES}", "MCC": "999", "MNC": "99"}
    ]
    hostile.values["ModelNumber"] = f"part {MARKUP} {ESCAPES}"
    hostile.values["ProductType"] = f"model {MARKUP} {ESCAPES}"
    hostile.values["ProductVersion"] = f"17 {MARKUP} {ESCAPES}"
    usbmux.attach(hostile)
    usbmux.attach(bundled("iphonese3-screen-locked"))
    result = run_cli(inspect_args(usbmux, "--details"), {**env, "COLUMNS": "1000"})

    assert result.exit_code == 2
    assert_inert(result.stdout, MARKUP)
    for shown in (f"carrier {MARKUP}", f"part {MARKUP}", f"model {MARKUP}", f"17 {MARKUP}"):
        assert shown in result.stdout
    assert "locked: The screen is locked" in result.stdout
    assert "port 0x01100001" in result.stdout

    as_json = run_cli(inspect_args(usbmux, "--json"), env)
    facts = json.loads(as_json.stdout)["phones"][0]["facts"]
    assert facts["sim_carrier"]["value"] == f"carrier {MARKUP} {ESCAPES}"
    assert facts["part_number"]["value"] == f"part {MARKUP} {ESCAPES}J/A"
    assert facts["model_id"]["value"] == f"model {MARKUP} {ESCAPES}"
    assert facts["os_version"]["value"] == f"17 {MARKUP} {ESCAPES}"


def test_no_usbmuxd_is_reported_in_one_line(env: dict[str, str]) -> None:
    result = run_cli(["inspect", "--platform", "ios", "--usbmux", "127.0.0.1:9"], env)
    assert result.exit_code == 3
    assert "usbmuxd is not reachable at 127.0.0.1:9" in result.stdout

    as_json = run_cli(["inspect", "--platform", "ios", "--usbmux", "127.0.0.1:9", "--json"], env)
    assert as_json.exit_code == 3
    problem = json.loads(as_json.stdout)["problems"]["ios"]
    assert problem["code"] == "inspect.not_looked_for"
    assert problem["params"]["platform"] == "ios"
    assert text(problem).startswith(
        "iPhone: could not look for phones (usbmuxd is not reachable at 127.0.0.1:9"
    )


# --------------------------------------------------------------------------------------------- tenken sim ios


class SimProcess:
    def __init__(self, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tenken", "sim", "ios", *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = self.line()
        assert first.startswith("usbmuxd listening on "), first + self.process.stderr.read()
        self.address = first.rsplit(" ", 1)[1]

    def line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().rstrip("\n")

    def until(self, prefix: str) -> str:
        while not (line := self.line()).startswith(prefix):
            assert line or self.process.poll() is None, f"simulator ended before {prefix!r}"
        return line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)  # also closes the pipes

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()


@pytest.fixture
def sim_process() -> Iterator[SimProcess]:
    simulator = SimProcess("--device", "iphone13-docomo")
    yield simulator
    simulator.stop()


async def test_sim_command_plugs_phones_in_and_out(sim_process: SimProcess, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    settings.ios.usbmux = sim_process.address
    first = await ios.discover(settings)
    assert [ref.device_id for ref in first] == [bundled("iphone13-docomo").udid]
    assert (await ios.inspect(first[0], settings)).imei.value == "353915111001014"

    sim_process.send("attach iphone16-rakuten")
    assert sim_process.until("attached ").startswith(f"attached {bundled('iphone16-rakuten').udid} at 0x")
    assert len(await ios.discover(settings)) == 2

    sim_process.send(f"detach {first[0].device_id}")
    assert sim_process.until("detached ") == f"detached {first[0].device_id}"
    assert [ref.device_id for ref in await ios.discover(settings)] == [bundled("iphone16-rakuten").udid]

    sim_process.send("attach no-such-profile")
    assert "no profile 'no-such-profile'" in sim_process.until("error: ")

    sim_process.send("quit")
    assert sim_process.until("stopped") == "stopped"
    assert sim_process.process.wait(timeout=10) == 0


def test_sim_command_stops_on_sigterm(sim_process: SimProcess) -> None:
    sim_process.process.terminate()
    assert sim_process.until("stopped") == "stopped"
    assert sim_process.process.wait(timeout=10) == 0


def test_sim_command_copies_profiles_with_their_own_identities(tmp_path: Path) -> None:
    simulator = SimProcess("--device", "iphone13-docomo", "--copies", "3")
    try:
        listed = [simulator.line() for _ in range(5)][2:]
        udids = {line.split()[2] for line in listed}
        assert len(udids) == 3
    finally:
        simulator.stop()


def test_sim_command_shows_what_came_from_a_profile_inert(tmp_path: Path) -> None:
    sequences = "\x1b[2J\x1b]0;pwned\x07\x9b31m"  # no "/": it is a file name
    profile = tmp_path / f"shop{sequences}.toml"
    profile.write_text('base = "iphone13-docomo"\n', encoding="utf-8")
    simulator = SimProcess("--device", str(profile))
    try:
        listed = [simulator.line() for _ in range(3)][2]  # after the export and inspect hints
        assert listed.endswith("  shop\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m"), listed
        simulator.send(f"detach {sequences}")
        refused = simulator.until("error: ")
        assert refused == "error: no attached phone \\x1b[2J\\x1b]0;pwned\\x07\\x9b31m"
    finally:
        simulator.stop()

    bad = tmp_path / f"broken{sequences}.toml"
    bad.write_text("[behaviour]\npaired = 1\n", encoding="utf-8")
    result = run_cli(["sim", "ios", "--device", str(bad)], {"TENKEN_CONFIG": ""})
    assert result.exit_code == 78
    assert "broken\\x1b[2J" in result.stderr and "\x1b" not in result.stderr


def test_sim_command_rejects_an_unknown_profile(env: dict[str, str]) -> None:
    result = run_cli(["sim", "ios", "--device", "no-such-phone"], env)
    assert result.exit_code == 78  # a profile is a file the user wrote: EX_CONFIG
    assert "no profile 'no-such-phone'" in result.stderr
    assert "iphone13-docomo" in result.stderr  # the bundled names are offered


def test_sim_command_lists_bundled_profiles(env: dict[str, str]) -> None:
    result = run_cli(["sim", "ios", "--list-profiles"], env)
    assert result.exit_code == 0
    assert "iphone8-softbank-simlocked\t" in result.stdout
