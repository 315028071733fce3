"""Runs simulated phones and registers them with a real adb server (`adb connect`), attach/detach at will."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenken.devices.android.server import ensure_server, stop_server
from tenken.errors import SimulatorError
from tenken.sim.android import profile as android_profile
from tenken.sim.android.adbd import AdbdDevice
from tenken.sim.android.phone import Phone
from tenken.sim.android.profile import Profile
from tenken.sim.loop import BackgroundLoop

CONNECT_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Attached:
    serial: str  # what `adb devices` lists: 127.0.0.1:PORT
    port: int
    profile: Profile
    connect_reply: str


class SimHost:
    """Simulated phones on 127.0.0.1 and their registration with the adb server at adb_port."""

    def __init__(
        self, adb_port: int, adb_path: str = "", base_port: int = 0, host: str = "127.0.0.1"
    ) -> None:
        self.adb_port = adb_port
        self.adb_path = adb_path
        self.base_port = base_port
        self.host = host
        self.devices: dict[str, AdbdDevice] = {}
        self.started_server = False  # no adb server answered: this host started it, and stops it

    async def start(self) -> None:
        self.started_server = await asyncio.to_thread(
            ensure_server, "127.0.0.1", self.adb_port, self.adb_path
        )

    def _client(self) -> Any:
        import adbutils

        return adbutils.AdbClient(host="127.0.0.1", port=self.adb_port, socket_timeout=CONNECT_TIMEOUT)

    def _next_port(self) -> int:
        if not self.base_port:
            return 0
        used = {device.port for device in self.devices.values()}
        port = self.base_port
        while port in used:
            port += 1
        return port

    async def attach(self, profile: Profile | str | Path, port: int | None = None) -> Attached:
        if not isinstance(profile, Profile):
            profile = android_profile.load(profile)
        device = AdbdDevice(Phone(profile), self.host, self._next_port() if port is None else port)
        for _attempt in range(20):
            try:
                await device.start()
                break
            except OSError as error:
                if port is not None or not self.base_port:
                    raise SimulatorError(
                        f"cannot listen on {self.host}:{device.port}: {error.strerror}"
                    ) from None
                device.port += 1
        else:
            raise SimulatorError(f"no free port from {self.base_port}")
        reply = await asyncio.to_thread(self._connect, device.serial)
        expected = ("failed to authenticate",) if profile.behaviour.unauthorized else ()
        if not reply.startswith(("connected to", "already connected to", *expected)):
            await device.stop()
            raise SimulatorError(f"adb server on port {self.adb_port} refused {device.serial}: {reply}")
        self.devices[device.serial] = device
        return Attached(device.serial, device.port, profile, reply)

    def _connect(self, serial: str) -> str:
        reply: str = self._client().connect(serial, timeout=CONNECT_TIMEOUT)
        return reply.strip()

    def _disconnect(self, serial: str) -> None:
        with contextlib.suppress(Exception):
            self._client().disconnect(serial)

    def find(self, name: str) -> AdbdDevice:
        """A device by serial, port or ro.serialno."""
        for serial, device in self.devices.items():
            if name in (serial, str(device.port), device.phone.profile.serial):
                return device
        raise SimulatorError(f"no simulated phone {name!r}")

    async def detach(self, name: str) -> str:
        """Unplug cleanly: the adb server forgets the phone."""
        device = self.find(name)
        del self.devices[device.serial]
        await device.stop()
        await asyncio.to_thread(self._disconnect, device.serial)
        return device.serial

    async def unplug(self, name: str) -> str:
        """Pull the cable: the adb server sees the link drop and keeps the phone as `offline` while it retries."""
        device = self.find(name)
        del self.devices[device.serial]
        await device.stop()
        return device.serial

    async def close(self) -> None:
        """Detach every phone; stop the adb server if this host started it (one that was running before
        is left as it was)."""
        try:
            for serial in list(self.devices):
                await self.detach(serial)
        finally:
            if self.started_server:
                await asyncio.to_thread(stop_server, self.adb_port, self.adb_path)
                self.started_server = False


class ThreadedSimHost:
    """A SimHost on a background loop, for tests, benchmarks and scripts."""

    def __init__(self, adb_port: int, adb_path: str = "", base_port: int = 0) -> None:
        self.host = SimHost(adb_port, adb_path, base_port)
        self._loop = BackgroundLoop("tenken-sim-android").start()
        try:
            self._loop.call(self.host.start)
        except BaseException:
            self._loop.close()
            raise

    def attach(self, profile: Profile | str | Path, port: int | None = None) -> Attached:
        return self._loop.call(self.host.attach, profile, port)

    def attach_many(self, profiles: list[Profile | str | Path]) -> list[Attached]:
        async def all_of() -> list[Attached]:
            return list(await asyncio.gather(*(self.host.attach(profile) for profile in profiles)))

        return self._loop.call(all_of)

    def detach(self, name: str) -> str:
        return self._loop.call(self.host.detach, name)

    def unplug(self, name: str) -> str:
        return self._loop.call(self.host.unplug, name)

    def device(self, name: str) -> AdbdDevice:
        return self.host.find(name)

    def close(self) -> None:
        try:
            self._loop.call(self.host.close)
        finally:
            self._loop.close()
