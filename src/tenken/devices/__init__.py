"""The device layer: one reader per platform, behind one protocol.

A reader finds the phones its transport sees (`discover`), reads one phone into DeviceFacts
(`inspect`), and follows the transport's attach/detach events (`follow`); device states (trust pending, locked, unplugged…) are results, never exceptions, and a
transport that cannot be asked raises TransportUnavailable. Readers are imported on first use:
pymobiledevice3 alone takes about a second to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tenken.facts import Platform

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from tenken.config import Settings
    from tenken.facts import DeviceFacts, DeviceRef


class Reader(Protocol):
    """What the station asks of a platform's reader: each platform's `reader` module implements these
    three functions (reader_for returns the module); the docstrings are the contract."""

    async def discover(self, settings: Settings) -> list[DeviceRef]:
        """Every phone the transport sees now; raises TransportUnavailable when it cannot be asked."""

    async def inspect(self, ref: DeviceRef, settings: Settings) -> DeviceFacts:
        """Read one phone; whatever happens, a DeviceFacts with a state."""

    async def follow(
        self, settings: Settings, nudge: Callable[[str | None, bool], None], stop: asyncio.Event
    ) -> None:
        """Until `stop`: call `nudge(device id or None, detached)` whenever the transport reports a
        change; `detached` only when the transport is sure the phone left (not a state change)."""


def reader_for(platform: Platform) -> Reader:
    """The platform's reader (its module satisfies the protocol), imported now."""
    if platform is Platform.IOS:
        from tenken.devices.ios import reader as ios_reader

        return ios_reader
    from tenken.devices.android import reader as android_reader

    return android_reader
