"""The usbmuxd requests tenken sends itself, framed by pymobiledevice3's usbmux module:
- ListDevices, with the LocationID a station needs to name the hub port (pymobiledevice3 drops it), and
  shared by the inspections running at the same moment: pymobiledevice3 lists every attached phone for
  each connection it opens, four per inspection, which makes a 32-phone station parse 4096 entries;
- ReadBUID, for the session;
- Connect, without the protocol probe pymobiledevice3 makes on a second connection each time;
- SavePairRecord (pymobiledevice3 11.45.0 sends it to the default usbmuxd, not the one in use)."""

from __future__ import annotations

import asyncio
import os
import plistlib
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pymobiledevice3.exceptions import MuxException
from pymobiledevice3.usbmux import MuxDevice

from tenken.devices.ios.compat import (
    MuxConnection,
    PlistMuxConnection,
    UsbmuxdMessageType,
    UsbmuxdVersion,
    build_usbmuxd_request,
    default_usbmux_address,
    parse_usbmuxd_response,
)

LISTING_MAX_AGE = 1.0  # seconds a device list is shared; a phone plugged in later waits for the next one


@dataclass(frozen=True, slots=True)
class AttachedPhone:
    device_id: int  # usbmuxd's handle, valid while plugged in
    udid: str
    location_id: int | None
    connection_type: str


def usbmux_address(configured: str) -> str:
    """The address to hand pymobiledevice3, always explicit (it would read USBMUXD_SOCKET_ADDRESS again,
    and fail on an empty one): tenken's setting, else USBMUXD_SOCKET_ADDRESS, else the system's socket.
    libusbmuxd's `UNIX:/path` form becomes the bare path pymobiledevice3 wants."""
    raw = configured or os.environ.get("USBMUXD_SOCKET_ADDRESS", "")
    if raw[:5].upper() == "UNIX:":
        raw = raw[5:]
    if raw:
        return raw
    return default_usbmux_address()


async def exchange(address: str, message: dict[str, Any]) -> dict[str, Any]:
    """One plist request to usbmuxd on a fresh connection, and its reply."""
    sock = await MuxConnection.create_usbmux_socket(address)
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        request = {"ClientVersionString": "tenken", "ProgName": "tenken", "kLibUSBMuxVersion": 3, **message}
        writer.write(
            build_usbmuxd_request(UsbmuxdVersion.PLIST, UsbmuxdMessageType.PLIST, 1, plistlib.dumps(request))
        )
        await writer.drain()
        length = await reader.readexactly(4)
        body = await reader.readexactly(struct.unpack("<I", length)[0] - 4)
    except (asyncio.IncompleteReadError, OSError) as error:
        raise MuxException(f"usbmuxd closed the connection: {error}") from None
    finally:
        writer.close()
    reply = parse_usbmuxd_response(length + body).data
    if not isinstance(reply, bytes):
        raise MuxException("usbmuxd answered a plist request with a binary message")
    answer: dict[str, Any] = plistlib.loads(reply)
    return answer


@dataclass(frozen=True, slots=True)
class Listing:
    phones: list[AttachedPhone]
    buid: str  # usbmuxd's SystemBUID, sent with StartSession and stored in pair records


_recent: dict[str, tuple[float, asyncio.Task[Listing]]] = {}


async def recent_listing(address: str, *, fresh: bool = False) -> Listing:
    """usbmuxd's phones and BUID, asked once for every inspection starting within LISTING_MAX_AGE."""
    loop = asyncio.get_running_loop()
    entry = _recent.get(address)
    if not fresh and entry is not None:
        asked_at, task = entry
        usable = task.get_loop() is loop and loop.time() - asked_at < LISTING_MAX_AGE
        if usable and not (task.done() and (task.cancelled() or task.exception() is not None)):
            return await asyncio.shield(task)
    task = loop.create_task(_listing(address))
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved, even if unawaited
    _recent[address] = (loop.time(), task)
    return await asyncio.shield(task)


async def _listing(address: str) -> Listing:
    phones, buid = await asyncio.gather(
        list_attached(address), exchange(address, {"MessageType": "ReadBUID"})
    )
    return Listing(phones, str(buid.get("BUID", "")))


async def list_attached(address: str) -> list[AttachedPhone]:
    reply = await exchange(address, {"MessageType": "ListDevices"})
    phones = []
    for entry in reply.get("DeviceList", []):
        properties = entry.get("Properties", {})
        location = properties.get("LocationID")
        phones.append(
            AttachedPhone(
                device_id=int(entry.get("DeviceID", properties.get("DeviceID", -1))),
                udid=str(properties.get("SerialNumber", "")),
                location_id=location if isinstance(location, int) else None,
                connection_type=str(properties.get("ConnectionType", "")),
            )
        )
    return phones


async def save_pair_record(address: str, udid: str, device_id: int, record: bytes) -> None:
    reply = await exchange(
        address,
        {
            "MessageType": "SavePairRecord",
            "PairRecordID": udid,
            "PairRecordData": record,
            "DeviceID": device_id,
        },
    )
    if reply.get("Number", 0) != 0:
        raise MuxException(f"usbmuxd refused to store the pair record (result {reply.get('Number')})")


async def connect(address: str, device: MuxDevice, port: int) -> socket.socket:
    """A socket piped to `port` on the phone (lockdownd or a service it started)."""
    raw = await MuxConnection.create_usbmux_socket(address)
    try:
        piped: socket.socket = await PlistMuxConnection(raw).connect(device, port)
    except BaseException:
        raw.close()
        raise
    return piped


async def listen(address: str) -> AsyncIterator[dict[str, Any]]:
    """usbmuxd's Listen events (Attached, Detached, Paired) as they come, until the connection ends."""
    sock = await MuxConnection.create_usbmux_socket(address)
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        request = {
            "ClientVersionString": "tenken",
            "ProgName": "tenken",
            "kLibUSBMuxVersion": 3,
            "MessageType": "Listen",
        }
        writer.write(
            build_usbmuxd_request(UsbmuxdVersion.PLIST, UsbmuxdMessageType.PLIST, 1, plistlib.dumps(request))
        )
        await writer.drain()
        while True:
            try:
                length = await reader.readexactly(4)
                body = await reader.readexactly(struct.unpack("<I", length)[0] - 4)
            except (asyncio.IncompleteReadError, OSError):
                return
            reply = parse_usbmuxd_response(length + body).data
            if isinstance(reply, bytes):
                message: dict[str, Any] = plistlib.loads(reply)
                yield message
    finally:
        writer.close()
