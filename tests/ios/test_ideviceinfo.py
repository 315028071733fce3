"""An independent client: Debian's `ideviceinfo` (libimobiledevice 1.3.0, libusbmuxd) against the simulator.
It must read the same values tenken's reader reads. CI installs libimobiledevice-utils; a missing binary
fails these tests rather than skipping them."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.devices.ios import reader as ios
from tenken.facts import DeviceState
from tenken.sim.ios.profile import bundled_names, parse_ideviceinfo_text
from tests.ios.simulator import SimulatorThread, bundled
from tests.ios.test_real_dumps import DUMPS, replay, without_provenance_line

PAIRED = [
    name
    for name in bundled_names()
    if bundled(name).behaviour.paired and not bundled(name).behaviour.before_first_unlock
]


def ideviceinfo(usbmux: SimulatorThread, home: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    binary = shutil.which("ideviceinfo")
    if binary is None:
        pytest.fail("ideviceinfo is not installed: apt-get install libimobiledevice-utils (CI installs it)")
    environment = {**os.environ, "USBMUXD_SOCKET_ADDRESS": usbmux.address, "HOME": str(home)}
    return subprocess.run([binary, *arguments], env=environment, capture_output=True, timeout=30, check=False)


@pytest.mark.parametrize("name", PAIRED)
async def test_paired_phone_reads_the_same_as_tenken(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path, name: str
) -> None:
    phone = usbmux.attach(bundled(name))
    result = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-x")
    assert result.returncode == 0, result.stderr.decode()
    values = plistlib.loads(result.stdout)
    assert values == phone.profile.values

    facts = await ios.inspect((await ios.discover(settings))[0], settings)
    assert facts.imei.value == values.get("InternationalMobileEquipmentIdentity")  # None: a Wi-Fi iPad
    assert facts.serial.value == values["SerialNumber"]
    assert facts.model_id.value == values["ProductType"]
    assert facts.os_version.value == values["ProductVersion"]
    assert facts.os_build.value == values["BuildVersion"]


def test_one_key_and_one_domain(usbmux: SimulatorThread, tmp_path: Path) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    imei = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-k", "InternationalMobileEquipmentIdentity")
    assert imei.stdout.decode() == "353915111001014\n"
    capacity = ideviceinfo(
        usbmux, tmp_path, "-u", phone.udid, "-q", "com.apple.disk_usage", "-k", "TotalDiskCapacity"
    )
    assert capacity.stdout.decode() == "128000000000\n"
    battery = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-q", "com.apple.mobile.battery")
    assert parse_ideviceinfo_text(battery.stdout.decode()) == {
        "BatteryCurrentCapacity": "87",
        "BatteryIsCharging": True,
    }
    find_my = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-q", "com.apple.fmip", "-k", "IsAssociated")
    assert find_my.stdout.decode() == "false\n"


def test_simple_mode_gets_only_what_lockdownd_tells_before_trust(
    usbmux: SimulatorThread, tmp_path: Path
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust="never"))
    result = ideviceinfo(usbmux, tmp_path, "-s", "-u", phone.udid)
    assert result.returncode == 0, result.stderr.decode()
    values = parse_ideviceinfo_text(result.stdout.decode())
    assert values["ProductType"] == "iPhone15,4"
    assert values["UniqueDeviceID"] == phone.udid
    assert "InternationalMobileEquipmentIdentity" not in values
    assert "SerialNumber" not in values


@pytest.mark.parametrize("locked_error", ["PasswordProtected", "PasscodeRequired"])
def test_a_phone_locked_since_its_restart_still_tells_anyone_its_model_and_ios(
    usbmux: SimulatorThread, tmp_path: Path, locked_error: str
) -> None:
    phone = usbmux.attach(bundled("iphone12mini-rebooted", locked_error=locked_error))
    result = ideviceinfo(usbmux, tmp_path, "-s", "-u", phone.udid)
    assert result.returncode == 0, result.stderr.decode()
    values = parse_ideviceinfo_text(result.stdout.decode())
    assert (values["ProductType"], values["ProductVersion"], values["BuildVersion"]) == (
        "iPhone13,1",
        "18.4.1",
        "22E252",
    )
    assert "InternationalMobileEquipmentIdentity" not in values
    assert "SerialNumber" not in values


async def test_self_pairing_then_tenken_uses_usbmuxds_record(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust_after_polls=0))
    result = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-k", "SerialNumber")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "SIMT15TRS007\n"
    assert phone.udid in usbmux.server.pair_records  # libimobiledevice stored its record with usbmuxd
    hosts = set(phone.trusted_hosts)

    facts = await ios.inspect((await ios.discover(settings))[0], settings)
    assert facts.state is DeviceState.READY
    assert facts.serial.value == "SIMT15TRS007"
    assert phone.trusted_hosts == hosts  # tenken did not pair again
    assert not (Path(settings.data_path) / "pair_records" / f"{phone.udid}.plist").exists()


async def test_a_record_paired_by_tenken_serves_ideviceinfo(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust_after_polls=1))
    assert (await ios.inspect((await ios.discover(settings))[0], settings)).state is DeviceState.READY
    result = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-k", "InternationalMobileEquipmentIdentity")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "352987117007015\n"


@pytest.mark.parametrize(
    ("profile", "behaviour", "message"),
    [
        ("iphone15-trust", {"trust": "never"}, "Pairing dialog response pending"),
        ("iphone12mini-rebooted", {}, "Password protected"),
        ("iphonese3-screen-locked", {}, "Password protected"),
        # libimobiledevice 1.3.0 has no name for PasscodeRequired
        ("iphone12mini-rebooted", {"locked_error": "PasscodeRequired"}, "Unknown Error"),
    ],
)
def test_states_as_libimobiledevice_reports_them(
    usbmux: SimulatorThread, tmp_path: Path, profile: str, behaviour: dict[str, str], message: str
) -> None:
    phone = usbmux.attach(bundled(profile, **behaviour))
    result = ideviceinfo(usbmux, tmp_path, "-u", phone.udid)
    assert result.returncode != 0
    assert message in result.stderr.decode()


@pytest.mark.skipif(
    not DUMPS.is_dir() and not os.environ.get("CI"),  # CI has ../shared: there a missing dump fails
    reason=f"{DUMPS} is missing: ../shared sits beside the repository",
)
@pytest.mark.parametrize(
    "dump", sorted(path.name for path in DUMPS.glob("*")) if DUMPS.is_dir() else ["missing"]
)
def test_real_dumps_replay_byte_for_byte(usbmux: SimulatorThread, tmp_path: Path, dump: str) -> None:
    profile = replay(dump, tmp_path)
    usbmux.attach(profile)
    result = ideviceinfo(usbmux, tmp_path, "-u", profile.udid, "-x")
    assert result.returncode == 0, result.stderr.decode()
    assert plistlib.loads(result.stdout) == profile.values
    if dump.startswith("01_"):
        # the plain-text dump survives text → profile → simulator → ideviceinfo → text unchanged
        text = ideviceinfo(usbmux, tmp_path, "-u", profile.udid).stdout.decode()
        original = without_provenance_line(DUMPS / dump)
        assert [line.rstrip() for line in text.splitlines() if line.strip()] == [
            line.rstrip() for line in original.splitlines() if line.strip()
        ]


def test_a_phone_older_than_ios_10_gets_libimobiledevices_tls_1_0(
    usbmux: SimulatorThread, tmp_path: Path
) -> None:
    old = bundled("iphone8-softbank-simlocked")
    old.values["ProductVersion"] = "9.3.5"  # libimobiledevice then speaks TLS 1.0 only
    phone = usbmux.attach(old)
    result = ideviceinfo(usbmux, tmp_path, "-u", phone.udid, "-k", "SerialNumber")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "SIMT08SBL002\n"
