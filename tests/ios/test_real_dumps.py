"""The three real lockdown dumps in ../shared/fixtures/ios, replayed by the simulator: the reader must
report their IMEI, serial, model and iOS exactly. The dumps are other people's phones: they are read
from ../shared, never copied into the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.devices.ios import reader as ios
from tenken.facts import DeviceState
from tenken.sim.ios.profile import PhoneProfile, load_file
from tests.conftest import text
from tests.ios.simulator import SHARED, SimulatorThread

DUMPS = SHARED / "fixtures" / "ios"
pytestmark = pytest.mark.skipif(
    not DUMPS.is_dir() and not os.environ.get("CI"),
    reason=f"{DUMPS} is missing: ../shared sits beside the repository (CI always has it)",
)


def without_provenance_line(path: Path) -> str:
    """The first line of each dump is the collector's note on where it came from, not tool output."""
    return path.read_text(encoding="utf-8").split("\n", 1)[1]


def replay(name: str, tmp_path: Path) -> PhoneProfile:
    source = DUMPS / name
    text = without_provenance_line(source)
    if name.endswith(".json.txt"):
        # `idb describe --json`: the lockdown values are its .extended.device
        target = tmp_path / "phone.json"
        target.write_text(json.dumps({"values": json.loads(text)["extended"]["device"]}), encoding="utf-8")
    elif "_x_" in name:
        target = tmp_path / "phone.plist"  # `ideviceinfo -x`, taken as it is
        target.write_text(text, encoding="utf-8")
    else:
        target = tmp_path / "phone.txt"  # plain `ideviceinfo`
        target.write_text(text, encoding="utf-8")
    return load_file(target)


@pytest.mark.parametrize(
    ("dump", "imei", "serial", "model", "ios_version"),
    [
        (
            "01_ideviceinfo_iPhone9,1_iOS13.3.1_crifan.txt",
            "355341083159771",
            "DNPT1P8EHG74",
            "iPhone9,1",
            "13.3.1",
        ),
        (
            "02_idb_describe_lockdown_iPhone13,2_iOS18.4.1_MarlonDSC.json.txt",
            "351793390749401",
            "DNTDM1W00DXT",
            "iPhone13,2",
            "18.4.1",
        ),
        (
            "03_ideviceinfo_x_iPhone7,2_iOS11.4_isdi.xml.txt",
            "355784070294319",
            "FFNRNRVSG5MC",
            "iPhone7,2",
            "11.4",
        ),
    ],
)
async def test_real_dump_is_read_back_exactly(
    usbmux: SimulatorThread,
    settings: Settings,
    tmp_path: Path,
    dump: str,
    imei: str,
    serial: str,
    model: str,
    ios_version: str,
) -> None:
    profile = replay(dump, tmp_path)
    usbmux.attach(profile)
    refs = await ios.discover(settings)
    facts = await ios.inspect(refs[0], settings)

    assert facts.state is DeviceState.READY
    assert facts.ref.device_id == profile.udid
    assert facts.imei.value == imei
    assert facts.serial.value == serial
    assert facts.model_id.value == model
    assert facts.os_version.value == ios_version
    assert facts.os_build.value == profile.values["BuildVersion"]
    assert facts.part_number.value == f"{profile.values['ModelNumber']}{profile.values['RegionInfo']}"


async def test_second_imei_of_a_dual_sim_dump(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path
) -> None:
    usbmux.attach(replay("02_idb_describe_lockdown_iPhone13,2_iOS18.4.1_MarlonDSC.json.txt", tmp_path))
    facts = await ios.inspect((await ios.discover(settings))[0], settings)

    assert facts.imei2.value == "351793390695687"
    assert facts.sales_region.value == "United States"
    assert facts.sim_carrier.value == "none"
    assert "not a Japanese model" in text(facts.sim_locked.note)


async def test_foreign_carrier_of_a_text_dump(
    usbmux: SimulatorThread, settings: Settings, tmp_path: Path
) -> None:
    usbmux.attach(replay("01_ideviceinfo_iPhone9,1_iOS13.3.1_crifan.txt", tmp_path))
    facts = await ios.inspect((await ios.discover(settings))[0], settings)

    assert facts.sim_carrier.value == "com.apple.ChinaTelecom_USIM_cn"
    assert text(facts.sim_carrier.note).startswith("MCC-MNC 460-11: the network the SIM uses")
    assert facts.sales_region.value == "mainland China"
