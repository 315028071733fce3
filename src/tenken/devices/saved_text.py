"""Text a person saved from a phone's tools (`adb shell getprop > file`, `ideviceinfo > file`): the
encoding its byte-order mark names, else UTF-8.

Windows PowerShell's `>` writes UTF-16 LE with a BOM and CRLF line ends, Notepad may add a UTF-8 BOM;
a dump read as plain UTF-8 then fails at its first byte. Line ends are left as they are: the parsers
take CRLF, and a replayed dump gets the phone's own line ends where it is answered.
"""

from __future__ import annotations

import codecs

BOMS = (  # the marks a text file may start with, and the codec that reads it (and drops the mark)
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding_of(head: bytes) -> str:
    """The codec for a file that starts with `head`: the one its BOM names, else UTF-8."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    return "utf-8"


def decode_saved(raw: bytes) -> str:
    """The text of a saved dump; raises UnicodeDecodeError when it is not text in that encoding."""
    return raw.decode(encoding_of(raw))
