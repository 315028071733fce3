"""The async pipeline: discover attached phones, inspect them concurrently, keep every result.

Each platform module (tenken.devices.ios.reader, tenken.devices.android.reader) exposes
    async def discover(settings) -> list[DeviceRef]        (raises TransportUnavailable)
    async def inspect(ref, settings) -> DeviceFacts          (device states are results, not exceptions)
One device's failure never stops another's inspection.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from tenken.config import Settings
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform

log = logging.getLogger(__name__)

_READERS = {Platform.IOS: "tenken.devices.ios.reader", Platform.ANDROID: "tenken.devices.android.reader"}


def reader(platform: Platform) -> ModuleType:
    """The platform's reader module, imported only when used (pymobiledevice3 is slow to import)."""
    return importlib.import_module(_READERS[platform])


@dataclass(slots=True)
class Discovery:
    devices: list[DeviceRef] = field(default_factory=list)
    problems: dict[Platform, str] = field(default_factory=dict)  # transport that could not be asked


async def discover(settings: Settings, platforms: Sequence[Platform]) -> Discovery:
    """Every attached phone on the given platforms; a transport that is down is reported, not raised."""
    found = Discovery()

    async def one(platform: Platform) -> None:
        try:
            found.devices.extend(await reader(platform).discover(settings))
        except TransportUnavailable as error:
            found.problems[platform] = str(error)

    await asyncio.gather(*(one(platform) for platform in platforms))
    found.devices.sort(key=lambda ref: (ref.platform.value, ref.usb_location or "", ref.device_id))
    return found


def _inspection_deadline(settings: Settings, ref: DeviceRef) -> float:
    """A generous outer bound: the readers time out each call themselves; this catches what they miss."""
    if ref.platform is Platform.IOS:
        return settings.ios.pair_timeout + 20 * settings.ios.timeout
    return 20 * settings.android.timeout


async def inspect_one(ref: DeviceRef, settings: Settings) -> DeviceFacts:
    """Inspect one phone; any failure becomes a DeviceFacts with a state and an action."""
    try:
        async with asyncio.timeout(_inspection_deadline(settings, ref)):
            facts: DeviceFacts = await reader(ref.platform).inspect(ref, settings)
            return facts
    except TimeoutError:
        return DeviceFacts(
            ref,
            state=DeviceState.TIMEOUT,
            action="The phone stopped answering. Unplug it, plug it back in and inspect again.",
        )
    except Exception as error:  # one phone's bug must not end the others' inspections
        log.exception("inspection of %s failed", ref.device_id)
        return DeviceFacts(
            ref,
            state=DeviceState.ERROR,
            action=f"Unexpected error ({type(error).__name__}: {error}); inspect again, report it if it repeats.",
        )


async def inspect_all(
    refs: Sequence[DeviceRef],
    settings: Settings,
    on_done: Callable[[DeviceFacts], Awaitable[None] | None] | None = None,
) -> list[DeviceFacts]:
    """Inspect phones concurrently, in the order given; `on_done` sees each result as it lands."""

    async def run(ref: DeviceRef) -> DeviceFacts:
        facts = await inspect_one(ref, settings)
        if on_done is not None:
            maybe = on_done(facts)
            if maybe is not None:
                await maybe
        return facts

    return list(await asyncio.gather(*(run(ref) for ref in refs)))
