"""A simulated usbmuxd in its own thread and event loop (as a separate process would be), for tests that
drive tenken's real reader through pymobiledevice3 against it over real sockets."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from tenken.sim.ios_phone import EmulatedPhone
from tenken.sim.ios_profile import PhoneProfile, load
from tenken.sim.ios_usbmuxd import UsbmuxServer

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"


class SimulatorThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="usbmuxd-sim", daemon=True)
        self.server = UsbmuxServer()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def start(self) -> None:
        self.thread.start()
        self.call(self.server.start())

    def close(self) -> None:
        self.call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    @property
    def address(self) -> str:
        return self.server.address

    def attach(self, profile: PhoneProfile) -> EmulatedPhone:
        return self.call(self.server.attach(profile))

    def detach(self, udid: str) -> bool:
        async def detach() -> bool:
            return self.server.detach(udid)

        return self.call(detach())


def bundled(name: str, **behaviour: Any) -> PhoneProfile:
    """A bundled profile, its behaviour changed as the test needs."""
    profile = load(name)
    return replace(profile, behaviour=replace(profile.behaviour, **behaviour)) if behaviour else profile
