"""The binder side of `service call iphonesubinfo`: Parcels in, Parcels out, printed as `service` prints them.

The argument Parcel is built the way `service call` writes it (i32, i64, s16, null), and each simulated
method reads it back with the Parcel read rules, so a wrong argument shape gives the garbage a phone
gives. The reply is formatted like libbinder's Parcel::print → printHexData (16 bytes a line, 4-byte
words shown as little-endian uint32, one line when the Parcel is 16 bytes or fewer).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

EX_SECURITY = -1  # android.os.Parcel.EX_SECURITY
EX_ILLEGAL_ARGUMENT = -3


class ParcelWriter:
    def __init__(self) -> None:
        self.data = bytearray()

    def write_int32(self, value: int) -> None:
        self.data += struct.pack("<i", value)

    def write_int64(self, value: int) -> None:
        self.data += struct.pack("<q", value)

    def write_string16(self, value: str | None) -> None:
        if value is None:
            self.write_int32(-1)
            return
        encoded = value.encode("utf-16-le")
        self.write_int32(len(encoded) // 2)
        self.data += encoded + b"\0\0"
        self.data += b"\0" * (-len(self.data) % 4)

    def write_exception(self, code: int, message: str) -> None:
        self.write_int32(code)
        self.write_string16(message)
        self.write_int32(0)  # no remote stack trace header


@dataclass
class ParcelReader:
    """Reads like android.os.Parcel: past the end an int is 0, a bad string length gives null."""

    data: bytes
    position: int = field(default=0)

    def read_int32(self) -> int:
        chunk = self.data[self.position : self.position + 4]
        self.position += 4
        if len(chunk) < 4:
            return 0
        value: int = struct.unpack("<i", chunk)[0]
        return value

    def read_int64(self) -> int:
        low = self.read_int32() & 0xFFFFFFFF
        high = self.read_int32()
        return (high << 32) | low

    def read_string16(self) -> str | None:
        length = self.read_int32()
        if length < 0:
            return None
        size = (length + 1) * 2
        raw = self.data[self.position : self.position + length * 2]
        if len(raw) < length * 2:
            return None
        self.position += size + (-size % 4)
        return raw.decode("utf-16-le", "replace")


class ServiceArgumentError(ValueError):
    """`service call` rejected its own command line (it prints usage and exits)."""


def build_arguments(words: list[str]) -> bytes:
    """The data Parcel `service call NAME CODE words…` sends (without the interface token)."""
    parcel = ParcelWriter()
    index = 0
    while index < len(words):
        kind = words[index]
        if kind == "null":
            parcel.write_int32(0)
            index += 1
            continue
        if index + 1 >= len(words):
            raise ServiceArgumentError(f"no value after {kind}")
        value = words[index + 1]
        try:
            if kind == "i32":
                parcel.write_int32(int(value, 0))
            elif kind == "i64":
                parcel.write_int64(int(value, 0))
            elif kind == "s16":
                parcel.write_string16(value)
            else:
                raise ServiceArgumentError(f"unknown option {kind}")
        except (ValueError, struct.error) as error:
            raise ServiceArgumentError(f"bad value {value!r} for {kind}") from error
        index += 2
    return bytes(parcel.data)


def format_parcel(data: bytes) -> str:
    """`Result: Parcel(...)` exactly as `service call` prints a reply."""
    return f"Result: Parcel({_hexdump(data)})\n"


def _hexdump(data: bytes) -> str:
    if not data:
        return "NULL"
    one_line = len(data) <= 16
    lines: list[str] = []
    for offset in range(0, len(data), 16):
        chunk = data[offset : offset + 16]
        words: list[str] = []
        for start in range(0, 16, 4):
            word = chunk[start : start + 4]
            if word:
                words.append(word[::-1].hex().rjust(8, "0") if len(word) == 4 else word[::-1].hex())
            elif not one_line:
                words.append(" " * 8)
            else:
                words.append("")
        text = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)
        if not one_line:
            text = text.ljust(16)
        body = " ".join(words) + f" '{text}'"
        lines.append(body if one_line else f"0x{offset:08x}: {body}")
    if one_line:
        return lines[0]
    return "\n" + "\n".join(f"  {line}" for line in lines)
