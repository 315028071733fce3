"""A phone-side byte stream that can switch TLS on and off in place, as lockdownd does.

asyncio's TLS transport cannot go back to plaintext after StopSession, so TLS runs here over memory
BIOs: the socket carries whatever the SSLObject writes, and after `stop_tls` the bytes the peer sent
after its close_notify are plaintext again.
"""

from __future__ import annotations

import asyncio
import plistlib
import ssl
import struct
from typing import Any


def plist_bytes(message: dict[str, Any]) -> bytes:
    """A reply as XML, as lockdownd sends it; binary when a string holds a control character XML cannot
    carry (a raw dump may), which pymobiledevice3 and libimobiledevice both read."""
    try:
        return plistlib.dumps(message)
    except ValueError:
        return plistlib.dumps(message, fmt=plistlib.FMT_BINARY)


class ChannelClosed(Exception):
    """The host went away (or the phone was unplugged)."""


class Channel:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._buffer = bytearray()  # plaintext received and not yet consumed
        self._tls: ssl.SSLObject | None = None
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()

    @property
    def encrypted(self) -> bool:
        return self._tls is not None

    def close(self) -> None:
        self._writer.close()

    async def _receive_raw(self) -> bytes:
        try:
            chunk = await self._reader.read(65536)
        except OSError as error:
            raise ChannelClosed(str(error)) from None
        if not chunk:
            raise ChannelClosed("the host closed the connection")
        return chunk

    async def _flush(self) -> None:
        pending = self._outgoing.read()
        if pending:
            self._writer.write(pending)
            try:
                await self._writer.drain()
            except OSError as error:
                raise ChannelClosed(str(error)) from None

    async def _fill(self) -> None:
        """Add at least one byte of plaintext to the buffer."""
        if self._tls is None:
            self._buffer += await self._receive_raw()
            return
        while True:
            try:
                data = self._tls.read(65536)
            except ssl.SSLWantReadError:
                await self._flush()
                self._incoming.write(await self._receive_raw())
            except ssl.SSLZeroReturnError:
                raise ChannelClosed("the host ended TLS") from None
            except ssl.SSLError as error:
                raise ChannelClosed(f"TLS error: {error}") from None
            else:
                if not data:  # a clean TLS end of stream
                    raise ChannelClosed("the host ended TLS")
                self._buffer += data
                return

    async def read_exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            await self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    async def write(self, data: bytes) -> None:
        if self._tls is None:
            self._writer.write(data)
            try:
                await self._writer.drain()
            except OSError as error:
                raise ChannelClosed(str(error)) from None
            return
        try:
            self._tls.write(data)
        except ssl.SSLError as error:
            raise ChannelClosed(f"TLS error: {error}") from None
        await self._flush()

    async def start_tls(self, context: ssl.SSLContext) -> None:
        """Be the TLS server on this stream from here on."""
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        if self._buffer:
            self._incoming.write(bytes(self._buffer))
            self._buffer.clear()
        tls = context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                await self._flush()
                self._incoming.write(await self._receive_raw())
            except ssl.SSLError as error:
                raise ChannelClosed(f"TLS handshake failed: {error}") from None
        await self._flush()
        self._tls = tls

    async def stop_tls(self) -> None:
        """Exchange close_notify and carry on in plaintext (lockdownd after StopSession)."""
        tls = self._tls
        if tls is None:
            return
        while True:
            try:
                tls.unwrap()
                break
            except ssl.SSLWantReadError:
                await self._flush()
                self._incoming.write(await self._receive_raw())
            except ssl.SSLError as error:
                raise ChannelClosed(f"TLS shutdown failed: {error}") from None
        await self._flush()
        self._tls = None
        self._buffer += self._incoming.read()

    # lockdownd and its services frame plists with a big-endian length
    async def read_frame(self) -> bytes:
        (size,) = struct.unpack(">I", await self.read_exactly(4))
        return await self.read_exactly(size)

    async def write_frame(self, payload: bytes) -> None:
        await self.write(struct.pack(">I", len(payload)) + payload)
