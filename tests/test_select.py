"""station.select: the phones --udid/--serial/-s, --port and ANDROID_SERIAL pick. The runs end to end are
in tests/ios/test_cli.py and tests/android/test_inspect_select.py; simulated Android phones sit on TCP,
so an adb usb path is checked here on DeviceRefs as the Android reader makes them."""

from __future__ import annotations

import pytest

from tenken import station
from tenken.config import Settings
from tenken.errors import UsageError
from tenken.facts import DeviceRef, Platform

USB = [
    DeviceRef(Platform.ANDROID, "R58M1", usb_location="1-4.2"),
    DeviceRef(Platform.ANDROID, "R58M2", usb_location="1-4.3"),
    DeviceRef(Platform.IOS, "00008110-00165A3C0E10801E", usb_location="0x01100000"),
]


async def picked(selection: station.Selection) -> station.Selected:
    return await station.select(USB, selection, Settings(ports={"usb:1-4.2": "B-02", "0x1100000": "A-01"}))


async def test_a_port_by_its_name_or_its_location_as_adb_or_usbmux_shows_it() -> None:
    assert (await picked(station.Selection(ports=("b-02",)))).devices == [USB[0]]
    assert (await picked(station.Selection(ports=("usb:1-4.3",)))).devices == [USB[1]]
    assert (await picked(station.Selection(ports=("A-01", "1-4.3")))).devices == [USB[1], USB[2]]
    assert (await picked(station.Selection(ports=("1-4.9",)))).missing == ["1-4.9"]


async def test_adb_serials_are_exact_udids_any_case() -> None:
    assert (await picked(station.Selection(ids=("r58m1",)))).missing == ["r58m1"]  # as adb -s
    assert (await picked(station.Selection(ids=("00008110-00165a3c0e10801e",)))).devices == [USB[2]]


async def test_android_serial_leaves_the_iphones_in() -> None:
    chosen = await picked(station.Selection(android_serial="R58M2"))
    assert chosen.devices == [USB[1], USB[2]] and chosen.missing == []
    assert (await picked(station.Selection(android_serial="R00"))).missing == ["R00"]


def test_a_port_that_is_neither_a_name_nor_a_location_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"'B-9': not a port name .* \(A-01, B-02\)"):
        station.port_locations(Settings(ports={"usb:1-4.2": "B-02", "0x1100000": "A-01"}), "B-9")
