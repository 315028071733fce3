"""The simulated usbmuxd on a background loop, for callers that are not async (tests, the demo):

with IosSimulator([load("iphone13-docomo")]) as simulator:
    settings.ios.usbmux = simulator.address
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from tenken.sim.ios.phone import EmulatedPhone
from tenken.sim.ios.profile import PhoneProfile
from tenken.sim.ios.usbmuxd import UsbmuxServer
from tenken.sim.loop import BackgroundLoop


class IosSimulator:
    def __init__(self, profiles: Iterable[PhoneProfile] = (), port: int = 0) -> None:
        self.server = UsbmuxServer(port=port)
        self._profiles = list(profiles)
        self._loop = BackgroundLoop("usbmuxd-sim")

    @property
    def address(self) -> str:
        return self.server.address

    def env(self) -> dict[str, str]:
        """Variables pointing tenken and libimobiledevice's tools here."""
        return {"TENKEN_IOS_USBMUX": self.address, "USBMUXD_SOCKET_ADDRESS": self.address}

    def start(self) -> IosSimulator:
        self._loop.start()
        self._loop.call(self.server.start)
        for profile in self._profiles:
            self.attach(profile)
        return self

    def close(self) -> None:
        try:
            self._loop.call(self.server.close)
        finally:
            self._loop.close()

    def attach(self, profile: PhoneProfile) -> EmulatedPhone:
        return self._loop.call(self.server.attach, profile)

    def detach(self, udid: str) -> bool:
        async def detach() -> bool:
            return self.server.detach(udid)

        return self._loop.call(detach)

    def __enter__(self) -> IosSimulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
