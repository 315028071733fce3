"""Which mark the simulated carriers give each IMEI, and which sites misbehave: a rules file or a
deterministic default."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenken.errors import RulesError
from tenken.facts import Carrier, Outcome
from tenken.imei import is_valid_imei
from tenken.lookups.marks import normalise_mark

FAULTS = ("maintenance", "503", "429", "slow", "captcha", "changed", "js-only", "form-loop")

# Deterministic default: the IMEI's second-to-last digit picks the seller, the third-to-last the mark.
DEFAULT_SELLER: tuple[Carrier | None, ...] = (
    Carrier.DOCOMO, Carrier.DOCOMO, Carrier.DOCOMO,
    Carrier.AU, Carrier.AU, Carrier.AU,
    Carrier.SOFTBANK, Carrier.SOFTBANK,
    Carrier.RAKUTEN,
    None,
)  # fmt: skip
DEFAULT_MARK: tuple[Outcome, ...] = (Outcome.OK,) * 7 + (Outcome.PENDING, Outcome.RESTRICTED, Outcome.OK)


@dataclass(slots=True)
class Rules:
    """Which mark each carrier gives an IMEI, and which sites are misbehaving."""

    marks: dict[str, dict[Carrier, Outcome]] = field(default_factory=dict)
    faults: dict[Carrier, str] = field(default_factory=dict)
    slow_seconds: float = 30.0

    def answer(self, imei: str, carrier: Carrier) -> Outcome:
        if imei in self.marks:
            return self.marks[imei].get(carrier, Outcome.NOT_FOUND)
        seller = DEFAULT_SELLER[int(imei[-2])]
        return DEFAULT_MARK[int(imei[-3])] if seller is carrier else Outcome.NOT_FOUND

    def set_mark(self, imei: str, carrier: Carrier | None, mark: Outcome) -> None:
        """Register `imei` at `carrier` with `mark` (None: registered nowhere)."""
        self.marks[imei] = {} if carrier is None else {carrier: mark}

    @classmethod
    def load(cls, path: Path) -> Rules:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise RulesError(f"rules file {path}: {error}") from None
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "rules") -> Rules:
        rules = cls()
        for index, entry in enumerate(data.get("phone", []), start=1):
            label = f"{where}: [[phone]] #{index}"
            imei = str(entry.get("imei", ""))
            if not is_valid_imei(imei):
                raise RulesError(f"{label}: {imei!r} is not a valid IMEI")
            marks = entry.get("marks") or {entry.get("carrier", "none"): entry.get("mark", "○")}
            rules.marks[imei] = {}
            for carrier_name, glyph in marks.items():
                if carrier_name == "none":
                    continue
                rules.marks[imei][parse_carrier(carrier_name, label)] = _mark(str(glyph), label)
        for carrier_name, mode in (data.get("faults") or {}).items():
            rules.faults[parse_carrier(carrier_name, f"{where}: [faults]")] = parse_fault(
                str(mode), f"{where}: [faults]"
            )
        if "slow_seconds" in data:
            rules.slow_seconds = float(data["slow_seconds"])
        return rules


def parse_carrier(name: str, where: str) -> Carrier:
    try:
        return Carrier(name)
    except ValueError:
        raise RulesError(f"{where}: unknown carrier {name!r} (docomo, au, softbank, rakuten)") from None


def _mark(glyph: str, where: str) -> Outcome:
    outcome = normalise_mark(glyph)
    if outcome is None:
        raise RulesError(f"{where}: {glyph!r} is not one of ○ △ × −")
    return outcome


def parse_fault(mode: str, where: str) -> str:
    if mode not in FAULTS:
        raise RulesError(f"{where}: unknown fault {mode!r} ({', '.join(FAULTS)})")
    return mode
