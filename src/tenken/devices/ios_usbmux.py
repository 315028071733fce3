"""The two usbmuxd requests tenken sends itself: ListDevices (pymobiledevice3 drops the LocationID a
station needs to name the hub port) and SavePairRecord (pymobiledevice3 11.45.0 sends it to the default
usbmuxd whatever address it was given). Framing comes from pymobiledevice3's usbmux module."""

from __future__ import annotations

import asyncio
import os
import plistlib
import struct
from dataclasses import dataclass
from typing import Any

from pymobiledevice3.exceptions import MuxException
from pymobiledevice3.usbmux import (
    MuxConnection,
    UsbmuxdMessageType,
    UsbmuxdVersion,
    build_usbmuxd_request,
    parse_usbmuxd_response,
)

SYSTEM_USBMUXD = "/var/run/usbmuxd"


@dataclass(frozen=True, slots=True)
class AttachedPhone:
    device_id: int  # usbmuxd's handle, valid while plugged in
    udid: str
    location_id: int | None
    connection_type: str


def usbmux_address(configured: str) -> str | None:
    """The address to pass to pymobiledevice3: tenken's setting, else USBMUXD_SOCKET_ADDRESS, else None
    (the system socket). libusbmuxd's `UNIX:/path` form is turned into the bare path pymobiledevice3 wants."""
    raw = configured or os.environ.get("USBMUXD_SOCKET_ADDRESS", "")
    if raw[:5].upper() == "UNIX:":
        raw = raw[5:]
    return raw or None


def describe(address: str | None) -> str:
    return address or SYSTEM_USBMUXD


async def exchange(address: str | None, message: dict[str, Any]) -> dict[str, Any]:
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


async def list_attached(address: str | None) -> list[AttachedPhone]:
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


async def save_pair_record(address: str | None, udid: str, device_id: int, record: bytes) -> None:
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
