"""Identifiers for copies of a simulated phone: the same model, its own UDID, serial number and IMEIs
(`PhoneProfile.clone`, `sim.android.profile.clone`), so that many copies can be plugged in at once."""

from __future__ import annotations

import re

from stdnum import luhn


def vary_hex(text: str, index: int) -> str:
    """A hexadecimal identifier (a UDID) with its last six digits moved by `index`."""
    width = 6
    head, tail = text[:-width], text[-width:]
    number = (int(tail, 16) + index * 0x1011) % (16**width) if re.fullmatch(r"[0-9A-Fa-f]+", tail) else index
    digits = f"{number:0{width}X}"
    return head + (digits.lower() if tail.islower() else digits)


def vary_alnum(text: str, index: int) -> str:
    """A serial number with its last three characters moved by `index` (digits and capitals)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    head, tail = text[:-3], text[-3:]
    number = sum(
        alphabet.index(char) * 34**place for place, char in enumerate(reversed(tail)) if char in alphabet
    )
    number = (number + index) % 34**3
    digits = ""
    for _ in range(3):
        number, rest = divmod(number, 34)
        digits = alphabet[rest] + digits
    return head + digits


def vary_imei(imei: str, index: int) -> str:
    """An IMEI with the same type allocation code, another serial, and its Luhn check digit."""
    # Steps of 1000 keep a copy's IMEI clear of the original's IMEI2 (usually the next serial).
    body = imei[:8] + f"{(int(imei[8:14]) + index * 1000) % 1_000_000:06d}"
    return body + str(luhn.calc_check_digit(body))
