"""IMEI handling: normalise what a person or a phone typed, validate it, tell IMEI/IMEISV/MEID apart.

Validation is python-stdnum's; this module adds the normalisation people need in Japan (full-width
digits, spaces, dashes, slashes from printed labels) and messages that say what exactly is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from stdnum import imei as stdnum_imei
from stdnum import luhn
from stdnum import meid as stdnum_meid
from stdnum.exceptions import InvalidChecksum, ValidationError

from tenken.errors import InvalidIdentifier
from tenken.facts import msg


class IdentifierKind(StrEnum):
    IMEI = "IMEI"  # 15 digits: TAC(8) + serial(6) + Luhn check digit
    IMEISV = "IMEISV"  # 16 digits: TAC + serial + 2-digit software version, no check digit
    MEID = "MEID"  # 14 hex digits (CDMA)


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdentifierKind
    value: str  # normalised digits (upper-case hex for MEID)

    @property
    def tac(self) -> str | None:
        """Type Allocation Code: the first 8 digits, which name the model."""
        return self.value[:8] if self.kind is not IdentifierKind.MEID else None

    @property
    def imei(self) -> str | None:
        """The 15-digit IMEI a carrier checker wants (an IMEISV gives its IMEI back with a check digit)."""
        if self.kind is IdentifierKind.IMEI:
            return self.value
        if self.kind is IdentifierKind.IMEISV:
            body = self.value[:14]
            return body + str(luhn.calc_check_digit(body))
        return None


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー/.]+")


def normalise(text: str) -> str:
    """Full-width to ASCII (NFKC), drop spaces, dashes and other label punctuation, upper-case."""
    folded = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", folded).upper()


def parse(text: str) -> Identifier:
    """Normalise and classify; raises InvalidIdentifier with the reason."""
    compact = normalise(text)
    if not compact:
        raise InvalidIdentifier(text, msg("imei.problem.empty"))
    if compact.isdigit():
        if len(compact) == 15:
            try:
                stdnum_imei.validate(compact)
            except InvalidChecksum:
                raise InvalidIdentifier(text, msg("imei.problem.check_digit")) from None
            except ValidationError as error:
                raise InvalidIdentifier(text, msg("imei.problem.other", detail=str(error))) from None
            if compact == "0" * 15:
                raise InvalidIdentifier(text, msg("imei.problem.zeros"))
            return Identifier(IdentifierKind.IMEI, compact)
        if len(compact) == 16:
            return Identifier(IdentifierKind.IMEISV, compact)
        if len(compact) == 14 and stdnum_meid.is_valid(compact):
            return Identifier(IdentifierKind.MEID, compact)
        raise InvalidIdentifier(text, msg("imei.problem.digits", count=len(compact)))
    if len(compact) == 14 and re.fullmatch(r"[0-9A-F]{14}", compact) and stdnum_meid.is_valid(compact):
        return Identifier(IdentifierKind.MEID, compact)
    bad = next(char for char in compact if not char.isdigit())
    raise InvalidIdentifier(text, msg("imei.problem.character", character=bad))


def validate_imei(text: str, *, allow_imeisv: bool = False) -> str:
    """The 15-digit IMEI a carrier can be asked about; else InvalidIdentifier.

    An IMEISV (16 digits) is refused unless `allow_imeisv`: it has no check digit, so a mistyped digit
    cannot be told, and the IMEI made from it is a number nobody typed.
    """
    identifier = parse(text)
    if identifier.kind is IdentifierKind.IMEISV and not allow_imeisv:
        raise InvalidIdentifier(text, msg("imei.problem.imeisv"))
    if identifier.imei is None:
        raise InvalidIdentifier(text, msg("imei.problem.meid"))
    return identifier.imei


def is_valid_imei(text: str) -> bool:
    try:
        return parse(text).kind is IdentifierKind.IMEI
    except InvalidIdentifier:
        return False
