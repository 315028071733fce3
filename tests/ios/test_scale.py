"""A full station: 32 simulated iPhones inspected concurrently in one run."""

from __future__ import annotations

import pytest

from tenken import station
from tenken.config import Settings
from tenken.facts import DeviceState, Platform
from tenken.imei import is_valid_imei
from tenken.sim.ios.profile import bundled_names
from tests.ios.simulator import SimulatorThread, bundled

READY_PROFILES = ["iphone13-docomo", "iphone16-rakuten", "iphone11-supervised", "iphone12-findmy"]


@pytest.mark.slow
async def test_thirty_two_phones_at_once(usbmux: SimulatorThread, settings: Settings) -> None:
    for index in range(8):
        for name in READY_PROFILES:
            usbmux.attach(bundled(name, latency_ms=2).clone(index))
    found = await station.discover(settings, [Platform.IOS])
    assert found.problems == {}
    assert len(found.devices) == 32
    assert len({ref.usb_location for ref in found.devices}) == 32

    results = await station.inspect_all(found.devices, settings)

    assert [facts.state for facts in results] == [DeviceState.READY] * 32
    imeis = [facts.imei.value for facts in results]
    assert len(set(imeis)) == 32
    assert all(isinstance(imei, str) and is_valid_imei(imei) for imei in imeis)
    assert {facts.ref.device_id for facts in results} == {ref.device_id for ref in found.devices}


@pytest.mark.slow
async def test_every_bundled_profile_at_once(usbmux: SimulatorThread, settings: Settings) -> None:
    for name in bundled_names():
        usbmux.attach(bundled(name))
    settings.ios.pair_timeout = 5
    found = await station.discover(settings, [Platform.IOS])
    results = {
        facts.ref.device_id: facts.state for facts in await station.inspect_all(found.devices, settings)
    }

    expected = {
        "ipad9-wifi": DeviceState.READY,
        "iphone11-supervised": DeviceState.READY,
        "iphone12-findmy": DeviceState.READY,
        "iphone12mini-rebooted": DeviceState.BEFORE_FIRST_UNLOCK,
        "iphone13-docomo": DeviceState.READY,
        "iphone14-hello": DeviceState.READY,
        "iphone15-trust": DeviceState.READY,
        "iphone16-rakuten": DeviceState.READY,
        "iphone8-softbank-simlocked": DeviceState.READY,
        "iphonese3-screen-locked": DeviceState.LOCKED,
    }
    assert {name: results[bundled(name).udid] for name in bundled_names()} == expected
