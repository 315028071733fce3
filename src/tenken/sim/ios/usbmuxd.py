"""A simulated usbmuxd on TCP 127.0.0.1: the plist protocol (ReadBUID, ListDevices, Listen with
Attached/Detached/Paired events, Connect, Read/Save/DeletePairRecord) in front of simulated iPhones.

Wire format: a 16-byte little-endian header (total length, version 1, message type 8, tag) and an XML
plist. Connect's port arrives in network byte order; after `Result 0` the socket belongs to the phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import plistlib
import socket
import struct
import uuid
from typing import Any

from tenken.sim.ios.channel import Channel
from tenken.sim.ios.keys import device_key, host_identity, server_context
from tenken.sim.ios.phone import EmulatedPhone
from tenken.sim.ios.profile import PhoneProfile

HEADER = struct.Struct("<IIII")
PLIST_VERSION = 1
PLIST_MESSAGE = 8
OK, BADCOMMAND, BADDEV, CONNREFUSED, BADVERSION = 0, 1, 2, 3, 6
APPLE_IPHONE_PRODUCT_ID = 0x12A8
FIRST_LOCATION = 0x01100000  # bus 1: a simulated hub, one port per phone


class UsbmuxServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.buid = str(uuid.uuid4()).upper()
        self.phones: dict[int, EmulatedPhone] = {}
        self.pair_records: dict[str, bytes] = {}
        self._listeners: set[asyncio.StreamWriter] = set()
        self._connections: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._next_device_id = 1
        self._next_location = FIRST_LOCATION

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for phone in list(self.phones.values()):
            phone.unplug()
        for writer in list(self._connections):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()

    # ------------------------------------------------------------------------------------- hot-plug

    async def attach(self, profile: PhoneProfile) -> EmulatedPhone:
        """Plug a phone in. Its keys are made first (off the loop) so the plug-in itself is instant."""
        await asyncio.to_thread(server_context, profile.udid)
        if profile.behaviour.paired:
            record = await asyncio.to_thread(self._premade_pair_record, profile)
            self.pair_records[profile.udid] = plistlib.dumps(record)
        else:
            self.pair_records.pop(profile.udid, None)
        if any(phone.udid == profile.udid for phone in self.phones.values()):
            raise ValueError(f"a phone with UDID {profile.udid} is already attached")
        location = profile.location_id if profile.location_id is not None else self._next_location
        self._next_location += 1
        phone = EmulatedPhone(profile, self._next_device_id, location, self._unplugged)
        self._next_device_id += 1
        if profile.behaviour.paired:
            phone.trusted_hosts.add(host_identity().host_id)
        self.phones[phone.device_id] = phone
        self._broadcast(self._attached(phone))
        return phone

    def detach(self, udid: str) -> bool:
        for phone in self.phones.values():
            if phone.udid == udid:
                phone.unplug()
                return True
        return False

    def _premade_pair_record(self, profile: PhoneProfile) -> dict[str, object]:
        device_key(profile.udid)
        return host_identity().pair_record(
            profile.udid, self.buid, str(profile.values.get("WiFiAddress", ""))
        )

    def _unplugged(self, phone: EmulatedPhone) -> None:
        if self.phones.pop(phone.device_id, None) is not None:
            self._broadcast({"MessageType": "Detached", "DeviceID": phone.device_id})

    def _attached(self, phone: EmulatedPhone) -> dict[str, Any]:
        return {
            "MessageType": "Attached",
            "DeviceID": phone.device_id,
            "Properties": {
                "ConnectionSpeed": 480000000,
                "ConnectionType": "USB",
                "DeviceID": phone.device_id,
                "LocationID": phone.location_id,
                "ProductID": APPLE_IPHONE_PRODUCT_ID,
                "SerialNumber": phone.udid,
                "USBSerialNumber": phone.udid.replace("-", ""),
            },
        }

    def _broadcast(self, message: dict[str, Any]) -> None:
        frame = _frame(message, 0)
        for writer in list(self._listeners):
            if writer.is_closing():
                self._listeners.discard(writer)
            else:
                writer.write(frame)

    # ------------------------------------------------------------------------------------- protocol

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            await self._converse(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, plistlib.InvalidFileException, ValueError):
            pass
        finally:
            self._connections.discard(writer)
            self._listeners.discard(writer)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            length, version, message, tag = HEADER.unpack(await reader.readexactly(HEADER.size))
            body = await reader.readexactly(length - HEADER.size)
            if version != PLIST_VERSION or message != PLIST_MESSAGE:
                writer.write(_frame(_result(BADVERSION), tag))
                continue
            request = plistlib.loads(body)
            kind = request.get("MessageType")
            if kind == "Connect":
                phone = self.phones.get(int(request.get("DeviceID", -1)))
                port = socket.ntohs(int(request.get("PortNumber", 0)))
                if phone is None:
                    writer.write(_frame(_result(BADDEV), tag))
                    continue
                await phone.round_trip()
                if not phone.serves(port):
                    writer.write(_frame(_result(CONNREFUSED if phone.attached else BADDEV), tag))
                    continue
                writer.write(_frame(_result(OK), tag))
                await phone.serve(port, Channel(reader, writer))
                return
            if kind == "Listen":
                writer.write(_frame(_result(OK), tag))
                for phone in self.phones.values():
                    writer.write(_frame(self._attached(phone), 0))
                self._listeners.add(writer)
                continue
            writer.write(_frame(self._answer(kind, request), tag))
            await writer.drain()

    def _answer(self, kind: object, request: dict[str, Any]) -> dict[str, Any]:
        if kind == "ReadBUID":
            return {"BUID": self.buid}
        if kind == "ListDevices":
            return {"DeviceList": [self._attached(phone) for phone in self.phones.values()]}
        if kind == "ReadPairRecord":
            record = self.pair_records.get(str(request.get("PairRecordID")))
            return {"PairRecordData": record} if record is not None else _result(BADDEV)
        if kind == "SavePairRecord":
            data = request.get("PairRecordData")
            if not isinstance(data, bytes):
                return _result(BADCOMMAND)
            self.pair_records[str(request.get("PairRecordID"))] = data
            if "DeviceID" in request:
                self._broadcast({"MessageType": "Paired", "DeviceID": request["DeviceID"]})
            return _result(OK)
        if kind == "DeletePairRecord":
            self.pair_records.pop(str(request.get("PairRecordID")), None)
            return _result(OK)
        return _result(BADCOMMAND)


def _result(number: int) -> dict[str, Any]:
    return {"MessageType": "Result", "Number": number}


def _frame(message: dict[str, Any], tag: int) -> bytes:
    body = plistlib.dumps(message)
    return HEADER.pack(HEADER.size + len(body), PLIST_VERSION, PLIST_MESSAGE, tag) + body
