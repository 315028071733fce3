"""The async pipeline: discover attached phones, inspect them concurrently, keep every result.

Each platform's reader (tenken.devices.Reader) discovers and inspects; one device's failure never
stops another's inspection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from tenken.config import Settings
from tenken.devices import reader_for
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform, msg

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Discovery:
    devices: list[DeviceRef] = field(default_factory=list)
    problems: dict[Platform, str] = field(default_factory=dict)  # transport that could not be asked


async def discover(settings: Settings, platforms: Sequence[Platform]) -> Discovery:
    """Every attached phone on the given platforms; a transport that is down is reported, not raised."""
    found = Discovery()

    async def one(platform: Platform) -> None:
        try:
            found.devices.extend(await reader_for(platform).discover(settings))
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
            return await reader_for(ref.platform).inspect(ref, settings)
    except TimeoutError:
        return DeviceFacts(ref, state=DeviceState.TIMEOUT, action=msg("action.not_answering"))
    except Exception as error:  # one phone's bug must not end the others' inspections
        log.exception("inspection of %s failed", ref.device_id)
        return DeviceFacts(
            ref,
            state=DeviceState.ERROR,
            action=msg("action.internal_error", error=f"{type(error).__name__}: {error}"),
        )


async def inspect_all(refs: Sequence[DeviceRef], settings: Settings) -> list[DeviceFacts]:
    """Inspect phones concurrently; results in the order given."""
    return list(await asyncio.gather(*(inspect_one(ref, settings) for ref in refs)))
