"""The async pipeline: discover attached phones, inspect them concurrently, keep every result.

Each platform's reader (tenken.devices.Reader) discovers and inspects; one device's failure never
stops another's inspection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from tenken.config import Settings, usb_location
from tenken.devices import reader_for
from tenken.errors import TransportUnavailable, UsageError
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


@dataclass(frozen=True, slots=True)
class Selection:
    """Which attached phones to inspect. Nothing given: every one."""

    ids: tuple[str, ...] = ()  # an iPhone's UDID or serial number (any case), an adb serial (exact, as adb)
    ports: tuple[str, ...] = ()  # a [ports] name ("A-03") or a location ("0x01100000", "1-4.2")
    android_serial: str = ""  # ANDROID_SERIAL: without ids or ports it picks the Android phone, as in adb

    @property
    def narrows(self) -> bool:
        """Whether only the phones asked for are looked at (ANDROID_SERIAL leaves the iPhones all in)."""
        return bool(self.ids or self.ports)


@dataclass(slots=True)
class Selected:
    devices: list[DeviceRef]
    missing: list[str]  # what was asked for, as given, with nothing attached to match it


def port_locations(settings: Settings, port: str) -> list[str]:
    """The locations a --port argument stands for: those the [ports] table names so, else the location
    it is. A UsageError when it is neither."""
    named = [
        location
        for written, name in settings.ports.items()
        if name.casefold() == port.strip().casefold() and (location := usb_location(written)) is not None
    ]
    if named:
        return named
    location = usb_location(port)
    if location is None:
        known = (
            ", ".join(sorted(set(settings.ports.values()))) or "none: see [ports] in docs/configuration.md"
        )
        raise UsageError(
            f"--port {port!r}: not a port name in the configuration's [ports] table ({known}) nor a USB "
            "location (a usbmux LocationID such as 0x01100000, an adb usb path such as 1-4.2)"
        )
    return [location]


async def select(found: Sequence[DeviceRef], selection: Selection, settings: Settings) -> Selected:
    """The attached phones `selection` asks for, in discovery order, and what it asks for in vain.

    An id that is no phone's UDID or adb serial is looked for among the iPhones' serial numbers, which
    only a phone that trusts this station tells (devices/ios/reader.serial_number).
    """
    if not selection.narrows:
        return _android_serial(found, selection.android_serial)
    chosen: set[DeviceRef] = set()
    missing: list[str] = []
    unknown_ids: list[str] = []
    for wanted in selection.ids:
        matches = {ref for ref in found if _is(ref, wanted)}
        chosen |= matches
        if not matches:
            unknown_ids.append(wanted)
    if unknown_ids:
        others = [ref for ref in found if ref.platform is Platform.IOS and ref not in chosen]
        serials = await _iphone_serials(others, settings)
        for wanted in unknown_ids:
            matches = {
                ref for ref, serial in serials.items() if serial.casefold() == wanted.strip().casefold()
            }
            chosen |= matches
            if not matches:
                missing.append(wanted)
    for port in selection.ports:
        locations = port_locations(settings, port)
        matches = {ref for ref in found if ref.usb_location in locations}
        chosen |= matches
        if not matches:
            missing.append(port)
    return Selected([ref for ref in found if ref in chosen], missing)


def _android_serial(found: Sequence[DeviceRef], serial: str) -> Selected:
    """Every iPhone, and of the Android phones the one ANDROID_SERIAL names (every one when it is unset)."""
    if not serial:
        return Selected(list(found), [])
    kept = [ref for ref in found if ref.platform is not Platform.ANDROID or ref.device_id == serial]
    return Selected(kept, [] if any(ref.platform is Platform.ANDROID for ref in kept) else [serial])


def _is(ref: DeviceRef, wanted: str) -> bool:
    if ref.platform is Platform.IOS:
        return ref.device_id.casefold() == wanted.strip().casefold()  # usbmuxd lists old UDIDs lower-case
    return ref.device_id == wanted.strip()


async def _iphone_serials(refs: Sequence[DeviceRef], settings: Settings) -> dict[DeviceRef, str]:
    if not refs:
        return {}
    from tenken.devices.ios.reader import serial_number

    serials = await asyncio.gather(*(serial_number(ref, settings) for ref in refs))
    return {ref: serial for ref, serial in zip(refs, serials, strict=True) if serial is not None}


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
