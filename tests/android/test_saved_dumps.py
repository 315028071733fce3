"""A `getprop` dump or profile as Windows saves it replays in the simulator: PowerShell's `>` writes UTF-16 LE
with a byte-order mark and CRLF, Notepad a UTF-8 BOM. Each is attached to the simulator and read by
`tenken inspect` through the real adb server."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from tenken.sim.android.profile import load
from tests.android.conftest import Phones

SAVED_AS = {
    "powershell-utf16le": (codecs.BOM_UTF16_LE, "utf-16-le", "\r\n"),
    "utf16be": (codecs.BOM_UTF16_BE, "utf-16-be", "\r\n"),
    "notepad-utf8-bom": (codecs.BOM_UTF8, "utf-8", "\r\n"),
}


def getprop_dump(profile: str) -> str:
    """What `adb shell getprop` prints for a bundled phone."""
    props = load(profile).props
    return "".join(f"[{key}]: [{props[key]}]\n" for key in sorted(props))


def save(path: Path, text: str, how: str) -> Path:
    bom, encoding, newline = SAVED_AS[how]
    path.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return path


@pytest.mark.parametrize("how", sorted(SAVED_AS))
def test_a_getprop_dump_saved_on_windows_replays(
    phones: Phones, inspect_cli: Any, tmp_path: Path, how: str
) -> None:
    dump = save(tmp_path / "so51c.txt", getprop_dump("so51c-docomo"), how)
    assert load(dump).props == load("so51c-docomo").props  # the first entry too, and no CR in a value
    attached = phones.attach(dump)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert facts["model_id"]["value"] == "SO-51C"
    assert facts["serial"]["value"] == "QV71SIM0001"
    assert facts["sim_state"]["value"] == "READY,ABSENT"  # no CR left on the last value of a line
    assert facts["security_patch"]["value"] == "2024-08-01"


def test_a_toml_profile_saved_as_utf16_reads(phones: Phones, inspect_cli: Any, tmp_path: Path) -> None:
    profile = save(
        tmp_path / "variant.toml",
        '[profile]\nbase = "shg14-au"\n[props]\n"ro.serialno" = "SAVEDUTF16"\n',
        "powershell-utf16le",
    )
    attached = phones.attach(profile)
    facts = inspect_cli(attached.serial).facts(attached.serial)
    assert (facts["serial"]["value"], facts["model_id"]["value"]) == ("SAVEDUTF16", "SHG14")
