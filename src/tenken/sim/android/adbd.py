"""An emulated adbd: the ADB transport protocol over TCP, as a phone in `adb tcpip` mode speaks it.

The adb server connects to it after `adb connect 127.0.0.1:PORT`. Messages are a 24-byte header
(command, arg0, arg1, length, byte-sum check, magic = command ^ 0xffffffff) and a payload. The host
opens a stream per service (OPEN), the device accepts (OKAY) or refuses (CLSE), data moves in WRTE
messages each acknowledged by an OKAY before the next, and either side ends the stream with CLSE.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
from dataclasses import dataclass, field
from typing import NamedTuple

from tenken.sim.android.phone import Phone

log = logging.getLogger(__name__)

A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_VERSION = 0x01000001
MAX_PAYLOAD = 1024 * 1024
AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3

SHELL_STDOUT = 1
SHELL_STDERR = 2
SHELL_EXIT = 3
SHELL_PACKET_DATA = 16 * 1024  # keep shell-protocol packets well inside any host's buffer
ACK_WAIT = 10.0


class Packet(NamedTuple):
    command: int
    arg0: int
    arg1: int
    data: bytes


class ProtocolError(Exception):
    pass


def encode(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    check = sum(data) & 0xFFFFFFFF
    return struct.pack("<6I", command, arg0, arg1, len(data), check, command ^ 0xFFFFFFFF) + data


async def read_packet(reader: asyncio.StreamReader) -> Packet:
    header = await reader.readexactly(24)
    command, arg0, arg1, length, _check, magic = struct.unpack("<6I", header)
    if magic != command ^ 0xFFFFFFFF:
        raise ProtocolError(f"bad magic for command {command:#x}")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes")
    data = await reader.readexactly(length) if length else b""
    return Packet(command, arg0, arg1, data)


def shell_packet(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + struct.pack("<I", len(data)) + data


@dataclass(eq=False)
class _Stream:
    local_id: int
    remote_id: int
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    closed: bool = False


class AdbdDevice:
    """One simulated phone listening on one TCP port of 127.0.0.1."""

    def __init__(self, phone: Phone, host: str = "127.0.0.1", port: int = 0) -> None:
        self.phone = phone
        self.host = host
        self.port = port
        self.commands_run = 0
        self.unplugged = False
        self._gone_offline = False
        self._server: asyncio.Server | None = None
        self._transports: set[_Transport] = set()

    @property
    def serial(self) -> str:
        """The serial the adb server gives this phone."""
        return f"{self.host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every connection: the cable is out."""
        self.unplugged = True
        if self._server is not None:
            self._server.close()
        for transport in list(self._transports):
            transport.drop()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    def _unplug_soon(self) -> None:
        self.unplugged = True
        asyncio.get_running_loop().create_task(self.stop())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport = _Transport(self, reader, writer)
        self._transports.add(transport)
        try:
            await transport.run()
        except (asyncio.IncompleteReadError, ConnectionError, ProtocolError) as error:
            log.debug("%s: connection ended: %s", self.serial, error)
        finally:
            self._transports.discard(transport)
            transport.drop()

    def _count_command(self) -> bool:
        """Count one command; False when the cable is pulled instead of answering it."""
        limit = self.phone.profile.behaviour.unplug_after_commands
        if limit is not None and self.commands_run >= limit:
            self._unplug_soon()
            return False
        self.commands_run += 1
        return True


class _Transport:
    """One connection from the adb server."""

    def __init__(
        self, device: AdbdDevice, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.device = device
        self.reader = reader
        self.writer = writer
        self.max_payload = 4096
        self.streams: dict[int, _Stream] = {}
        self.next_id = 1

    def drop(self) -> None:
        for stream in self.streams.values():
            if stream.task is not None:
                stream.task.cancel()
        self.streams.clear()
        self.writer.close()

    def send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        self.writer.write(encode(command, arg0, arg1, data))

    async def run(self) -> None:
        packet = await read_packet(self.reader)
        while packet.command != A_CNXN:
            packet = await read_packet(self.reader)
        behaviour = self.device.phone.profile.behaviour
        if behaviour.unauthorized:
            await self._never_authorize()
            return
        if self.device._gone_offline:
            await self._silent()
            return
        self.max_payload = max(4096, min(packet.arg1, MAX_PAYLOAD))
        self.send(A_CNXN, A_VERSION, MAX_PAYLOAD, self.device.phone.banner().encode())
        await self.writer.drain()
        if behaviour.offline:
            # adbd wedged after the handshake: the host loses the link and every reconnect goes unanswered
            self.device._gone_offline = True
            await asyncio.sleep(0.2)
            return
        while True:
            packet = await read_packet(self.reader)
            self._dispatch(packet)
            await self.writer.drain()

    async def _never_authorize(self) -> None:
        """Answer every signature with a new token; the host ends up waiting for the user: `unauthorized`."""
        self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
        while True:
            packet = await read_packet(self.reader)
            if packet.command == A_AUTH and packet.arg0 == AUTH_SIGNATURE:
                self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
                await self.writer.drain()

    async def _silent(self) -> None:
        while await self.reader.read(65536):
            pass

    def _dispatch(self, packet: Packet) -> None:
        if packet.command == A_OPEN:
            self._open(packet.arg0, packet.data.rstrip(b"\0").decode("utf-8", "replace"))
        elif packet.command == A_WRTE:
            stream = self.streams.get(packet.arg1)
            if stream is not None:
                self.send(A_OKAY, stream.local_id, stream.remote_id)  # stdin is read and ignored
        elif packet.command == A_OKAY:
            stream = self.streams.get(packet.arg1)
            if stream is not None:
                stream.acked.set()
        elif packet.command == A_CLSE:
            stream = self.streams.pop(packet.arg1, None)
            if stream is not None:
                stream.closed = True
                if stream.task is not None and not stream.task.done():
                    stream.task.cancel()

    def _open(self, remote_id: int, service: str) -> None:
        if self.device.phone.profile.behaviour.wedged:
            return  # neither OKAY nor CLSE: the host's stream waits
        shell_v2 = False
        if service.startswith("shell,") or service.startswith("shell:"):
            options, _, command = service.partition(":")
            shell_v2 = "v2" in options.split(",")[1:]
            if shell_v2 and not self.device.phone.has_shell_v2:
                self.send(A_CLSE, 0, remote_id)
                return
        elif service.startswith("exec:"):
            command = service[len("exec:") :]
        else:
            self.send(A_CLSE, 0, remote_id)
            return
        if not self.device._count_command():
            return
        stream = _Stream(self.next_id, remote_id)
        self.next_id += 1
        self.streams[stream.local_id] = stream
        self.send(A_OKAY, stream.local_id, remote_id)
        stream.task = asyncio.get_running_loop().create_task(
            self._run(stream, command, shell_v2=shell_v2, pty=service.startswith("shell:"))
        )

    async def _run(self, stream: _Stream, command: str, *, shell_v2: bool, pty: bool) -> None:
        try:
            behaviour = self.device.phone.profile.behaviour
            if behaviour.latency_ms:
                await asyncio.sleep(behaviour.latency_ms / 1000)
            if not command.strip():
                result_out, result_err, status = b"", b"interactive shell is not simulated\n", 1
            else:
                result = self.device.phone.shell().run(command)
                result_out, result_err, status = result.stdout, result.stderr, result.status
            cut = command.split(maxsplit=1)[0] in behaviour.cut_off if command.strip() else False
            if cut:  # the link drops before the end: the last line (X4EXIT before Android 7) never arrives
                result_out, result_err = _without_last_line(result_out + result_err), b""
            if shell_v2:
                payload = b"".join(
                    shell_packet(kind, data[start : start + SHELL_PACKET_DATA])
                    for kind, data in ((SHELL_STDOUT, result_out), (SHELL_STDERR, result_err))
                    for start in range(0, len(data), SHELL_PACKET_DATA)
                ) + (b"" if cut else shell_packet(SHELL_EXIT, bytes([status & 0xFF])))
            else:
                payload = result_out + result_err
                if pty and not self.device.phone.has_shell_v2:
                    payload = payload.replace(b"\n", b"\r\n")  # old adbd ran `shell:` through a PTY
            await self._write(stream, payload)
            if not stream.closed:
                self.streams.pop(stream.local_id, None)
                self.send(A_CLSE, stream.local_id, stream.remote_id)
                await self.writer.drain()
        except asyncio.CancelledError:
            pass
        except (ConnectionError, TimeoutError) as error:
            log.debug("%s: stream %d ended: %s", self.device.serial, stream.local_id, error)

    async def _write(self, stream: _Stream, payload: bytes) -> None:
        for start in range(0, len(payload), self.max_payload):
            if stream.closed:
                return
            stream.acked.clear()
            self.send(A_WRTE, stream.local_id, stream.remote_id, payload[start : start + self.max_payload])
            await self.writer.drain()
            await asyncio.wait_for(stream.acked.wait(), ACK_WAIT)


def _without_last_line(output: bytes) -> bytes:
    return output[: output.rstrip(b"\n").rfind(b"\n") + 1]
