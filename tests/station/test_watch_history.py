"""The station in-process over real sockets (emulated usbmuxd): what it remembers of plugs that ended."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from tenken import config
from tenken.facts import Platform
from tenken.sim.ios.simulator import IosSimulator
from tenken.station.pipeline import Options, Pipeline
from tenken.station.watch import Stage, Station
from tenken.store import open_store
from tenken.verdict.policy import load_policy
from tests.station.conftest import iphone


async def until(condition: object, seconds: float = 30.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_one_ended_plug_per_port_is_remembered(tmp_path: Path) -> None:
    """A phone plugged in and out of one port all day leaves the board its last result, not every one."""
    settings = config.load(environ={"TENKEN_DATA_DIR": str(tmp_path), "TENKEN_CONFIG": ""})
    settings.watch.poll_seconds = 0.2
    phones = [iphone("iphone12-findmy", copy) for copy in range(3)]  # no carrier is asked about them
    phones = [replace(phone, location_id=0x01100000) for phone in phones]  # one hub port
    with IosSimulator() as simulator, open_store(settings) as store:
        settings.ios.usbmux = simulator.address
        stop = asyncio.Event()
        async with Pipeline(settings, Options(policy=load_policy(), station="t"), store) as pipeline:
            station = Station(settings, pipeline, store, [Platform.IOS])
            running = asyncio.create_task(station.run(stop))
            other = replace(iphone("iphone11-supervised", 7), location_id=0x01200000)  # another port
            await asyncio.to_thread(simulator.attach, other)
            await until(lambda: other.udid in station.plugs and station.plugs[other.udid].kept)
            await asyncio.to_thread(simulator.detach, other.udid)
            for phone in phones:
                await asyncio.to_thread(simulator.attach, phone)
                await until(
                    lambda phone=phone: phone.udid in station.plugs and station.plugs[phone.udid].kept
                )
                await asyncio.to_thread(simulator.detach, phone.udid)
                await until(lambda phone=phone: phone.udid not in station.plugs)
            stop.set()
            await running
    assert station.kept == 4
    assert [plug.ref.device_id for plug in station.history] == [other.udid, phones[-1].udid]
    assert all(plug.stage is Stage.DONE for plug in station.history)
