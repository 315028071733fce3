"""Decoding `service call` replies: the Parcel hexdump back into words, then status and String16.

`Result: Parcel(00000000 ffffffff   '........')` or a multi-line dump whose lines read
`0x00000010: 00350036 … '6.5.…'`. Each 8-hex group is a little-endian uint32. Word 0 is the status
(0 OK; negative = an exception whose message String16 follows); then a String16: int32 length
(-1 = null) and UTF-16LE characters. The quoted text column is ignored: it hides null and exceptions.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from enum import StrEnum

_OFFSET = re.compile(r"^\s*0x[0-9a-fA-F]{8}:\s*")
_WORD = re.compile(r"\b[0-9a-fA-F]{8}\b")

EXCEPTION_NAMES = {
    -1: "SecurityException",
    -2: "BadParcelableException",
    -3: "IllegalArgumentException",
    -4: "NullPointerException",
    -5: "IllegalStateException",
    -6: "NetworkOnMainThreadException",
    -7: "UnsupportedOperationException",
    -8: "ServiceSpecificException",
    -9: "ParcelableException",
    -128: "HasReplyHeader",
}


class ReplyKind(StrEnum):
    OK = "ok"  # a String16 came back
    NULL = "null"  # status OK, the string is null
    EXCEPTION = "exception"  # the service threw; message kept
    EMPTY = "empty"  # Parcel(NULL): no such transaction code
    UNREADABLE = "unreadable"  # no Parcel in the output, or too short


@dataclass(frozen=True, slots=True)
class ParcelReply:
    kind: ReplyKind
    value: str | None = None  # the String16 (OK)
    message: str = ""  # exception name and message, or why unreadable

    def describe(self) -> str:
        if self.kind is ReplyKind.OK:
            return f"answered {self.value!r}"
        if self.kind is ReplyKind.NULL:
            return "answered null"
        if self.kind is ReplyKind.EXCEPTION:
            return f"threw {self.message}"
        if self.kind is ReplyKind.EMPTY:
            return "has no such method (empty reply)"
        return f"unreadable reply ({self.message})"


def parcel_bytes(output: str) -> bytes | None:
    """The Parcel's bytes from `service call` output; None when there is no hexdump."""
    start = output.find("Parcel(")
    if start < 0:
        return None
    body = output[start + len("Parcel(") :]
    if body.startswith(("NULL", "Error")):
        return b""
    data = bytearray()
    for line in body.splitlines():
        line = _OFFSET.sub("", line)
        words_part = line.split("'", 1)[0]
        for word in _WORD.findall(words_part):
            data += struct.pack("<I", int(word, 16))
        if line.rstrip().endswith("')"):
            break
    return bytes(data)


def _string16(data: bytes, offset: int) -> tuple[str | None, bool]:
    """(string, complete) at offset; (None, True) for a null string."""
    if len(data) < offset + 4:
        return None, False
    length = struct.unpack_from("<i", data, offset)[0]
    if length == -1:
        return None, True
    if length < 0 or len(data) < offset + 4 + 2 * length:
        return None, False
    raw = data[offset + 4 : offset + 4 + 2 * length]
    return raw.decode("utf-16-le", "replace"), True


def decode_reply(output: str) -> ParcelReply:
    data = parcel_bytes(output)
    if data is None:
        first_line = output.strip().splitlines()[0] if output.strip() else "no output"
        return ParcelReply(ReplyKind.UNREADABLE, message=first_line[:120])
    if not data:
        return ParcelReply(ReplyKind.EMPTY)
    if len(data) < 4:
        return ParcelReply(ReplyKind.UNREADABLE, message="reply shorter than a status word")
    status = struct.unpack_from("<i", data, 0)[0]
    if status != 0:
        message, _ = _string16(data, 4)
        name = EXCEPTION_NAMES.get(status, f"exception {status}")
        return ParcelReply(ReplyKind.EXCEPTION, message=f"{name}: {message}" if message else name)
    value, complete = _string16(data, 4)
    if not complete:
        return ParcelReply(ReplyKind.UNREADABLE, message="status OK but no complete string")
    if value is None:
        return ParcelReply(ReplyKind.NULL)
    return ParcelReply(ReplyKind.OK, value=value)
