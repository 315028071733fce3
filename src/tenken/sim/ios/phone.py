"""One simulated iPhone: its state across connections (who it trusts, the Trust dialog, counters) and
the ports it serves behind usbmuxd (lockdownd on 62078, services on the ports StartService hands out)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

from tenken.sim.ios.channel import Channel, ChannelClosed
from tenken.sim.ios.lockdownd import LOCKDOWN_PORT, serve_lockdownd
from tenken.sim.ios.profile import PhoneProfile
from tenken.sim.ios.services import serve_service

_service_ports = itertools.count()


class EmulatedPhone:
    def __init__(
        self,
        profile: PhoneProfile,
        device_id: int,
        location_id: int,
        on_unplug: Callable[[EmulatedPhone], None],
    ) -> None:
        self.profile = profile
        self.device_id = device_id
        self.location_id = location_id
        self.trusted_hosts: set[str] = set()
        self.pair_polls = 0
        self.requests = 0
        self.attached = True
        self._on_unplug = on_unplug
        self._channels: set[Channel] = set()
        self._service_ports: dict[int, str] = {}

    @property
    def udid(self) -> str:
        return self.profile.udid

    def open_service(self, name: str) -> int:
        """A port that serves `name` to the next connection (lockdownd's StartService)."""
        port = 49152 + next(_service_ports) % 16384
        self._service_ports[port] = name
        return port

    def serves(self, port: int) -> bool:
        return self.attached and (port == LOCKDOWN_PORT or port in self._service_ports)

    async def round_trip(self) -> None:
        """One USB round trip's worth of waiting."""
        latency = self.profile.behaviour.latency_ms
        if latency > 0:
            await asyncio.sleep(latency / 1000)

    def answered(self) -> None:
        """Count an answered request; pull the cable when the profile says so."""
        self.requests += 1
        limit = self.profile.behaviour.unplug_after_requests
        if limit and self.requests >= limit:
            self.unplug()

    def unplug(self) -> None:
        if not self.attached:
            return
        self.attached = False
        for channel in list(self._channels):
            channel.close()
        self._channels.clear()
        self._on_unplug(self)

    async def serve(self, port: int, channel: Channel) -> None:
        """Speak the protocol of `port` on a connection usbmuxd just handed over."""
        self._channels.add(channel)
        try:
            if port == LOCKDOWN_PORT:
                await serve_lockdownd(self, channel)
            else:
                await serve_service(self, self._service_ports.pop(port), channel)
        except ChannelClosed:
            pass
        finally:
            self._channels.discard(channel)
            channel.close()
