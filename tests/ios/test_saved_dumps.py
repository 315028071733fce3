"""An `ideviceinfo` dump as Windows saves it replays in the simulator: PowerShell's `>` writes UTF-16 LE with
a byte-order mark and CRLF, Notepad a UTF-8 BOM. Each is loaded as a profile, attached to the simulated
usbmuxd and read by tenken's reader through pymobiledevice3."""

from __future__ import annotations

import codecs
import plistlib
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.devices.ios import reader as ios
from tenken.sim.ios.profile import load_file
from tests.ios.simulator import SimulatorThread

VALUES = {
    "UniqueDeviceID": "00008110-0000000000DA7A01",
    "ProductType": "iPhone14,5",
    "ProductVersion": "17.5.1",
    "SerialNumber": "SAVEDDUMP001",
    "InternationalMobileEquipmentIdentity": "353915111001014",
    "ModelNumber": "MLNC3",
    "RegionInfo": "J/A",
}
SAVED_AS = {
    "powershell-utf16le": (codecs.BOM_UTF16_LE, "utf-16-le", "\r\n"),
    "utf16be": (codecs.BOM_UTF16_BE, "utf-16-be", "\r\n"),
    "notepad-utf8-bom": (codecs.BOM_UTF8, "utf-8", "\r\n"),
}


def save(path: Path, text: str, how: str) -> Path:
    bom, encoding, newline = SAVED_AS[how]
    path.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return path


def dumps() -> dict[str, str]:
    """`ideviceinfo` and `ideviceinfo -x` as they print the phone."""
    return {
        "phone.txt": "".join(f"{key}: {value}\n" for key, value in VALUES.items()),
        "phone.plist": plistlib.dumps(VALUES, fmt=plistlib.FMT_XML).decode("utf-8"),
    }


@pytest.mark.parametrize("how", sorted(SAVED_AS))
@pytest.mark.parametrize("dump", sorted(dumps()))
async def test_an_ideviceinfo_dump_saved_on_windows_replays(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path, dump: str, how: str
) -> None:
    profile = load_file(save(tmp_path / dump, dumps()[dump], how))
    assert profile.values == VALUES
    usbmux.attach(profile)
    [ref] = await ios.discover(settings)
    facts = await ios.inspect(ref, settings)
    assert (facts.serial.value, facts.imei.value) == ("SAVEDDUMP001", "353915111001014")
    assert (facts.model_name.value, facts.part_number.value) == ("iPhone 13", "MLNC3J/A")
