"""The simulated usbmuxd on a thread of its own, for callers that are not async (tests, demos):

with IosSimulator([load("iphone13-docomo")]) as simulator:
    settings.ios.usbmux = simulator.address
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable
from types import TracebackType
from typing import Any, TypeVar

from tenken.sim.ios.phone import EmulatedPhone
from tenken.sim.ios.profile import PhoneProfile
from tenken.sim.ios.usbmuxd import UsbmuxServer

T = TypeVar("T")


class IosSimulator:
    def __init__(self, profiles: Iterable[PhoneProfile] = (), port: int = 0) -> None:
        self.server = UsbmuxServer(port=port)
        self._profiles = list(profiles)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="usbmuxd-sim", daemon=True)

    @property
    def address(self) -> str:
        return self.server.address

    def env(self) -> dict[str, str]:
        """Variables pointing tenken and libimobiledevice's tools here."""
        return {"TENKEN_IOS_USBMUX": self.address, "USBMUXD_SOCKET_ADDRESS": self.address}

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def start(self) -> IosSimulator:
        self._thread.start()
        self._call(self.server.start())
        for profile in self._profiles:
            self.attach(profile)
        return self

    def close(self) -> None:
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        await self.server.close()
        # Connections still being served end here, on their loop, not when it is garbage-collected.
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def attach(self, profile: PhoneProfile) -> EmulatedPhone:
        return self._call(self.server.attach(profile))

    def detach(self, udid: str) -> bool:
        async def detach() -> bool:
            return self.server.detach(udid)

        return self._call(detach())

    def __enter__(self) -> IosSimulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
