"""Which mark the simulated carriers give each IMEI, and which sites misbehave: a rules file
(docs/simulators.md, checked against RulesFile) or a deterministic default."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import msgspec

from tenken.errors import InvalidIdentifier, RulesError
from tenken.facts import Carrier, Outcome
from tenken.imei import validate_imei
from tenken.lookups.marks import normalise_mark
from tenken.schema import Schema, Seconds, convert, parse_toml

Fault = Literal[
    "maintenance",
    "503",
    "429",
    "slow",
    "captcha",
    "changed",
    "js-only",
    "form-loop",
    "hostile",
    # Answers that look like ○ but are not the carrier's answer about this IMEI (issue: answers you can
    # stake a sale on): a program must read none of them as a mark.
    "other-imei",
    "not-found-status",
    "redirect-away",
    "mark-in-sentence",
    "duplicate-keys",
    "error-beside-status",
    "huge",
    # Obstacles real sites put in front of programs (issue: when a carrier's site will not answer a
    # program): a person with a browser passes them, tenken's look-up reports a hand-off.
    "waf",  # a bot check: HTTP 403 "Forbidden" to programs (doctor-18); its script lets a browser pass
    "browser_only",  # Rakuten: the JSON endpoint answers only the page's own script (its headers, its token)
]
FAULTS: tuple[str, ...] = get_args(Fault)

# Deterministic default: the IMEI's second-to-last digit picks the seller, the third-to-last the mark.
DEFAULT_SELLER: tuple[Carrier | None, ...] = (
    Carrier.DOCOMO, Carrier.DOCOMO, Carrier.DOCOMO,
    Carrier.AU, Carrier.AU, Carrier.AU,
    Carrier.SOFTBANK, Carrier.SOFTBANK,
    Carrier.RAKUTEN,
    None,
)  # fmt: skip
DEFAULT_MARK: tuple[Outcome, ...] = (Outcome.OK,) * 7 + (Outcome.PENDING, Outcome.RESTRICTED, Outcome.OK)


def bundled_rules() -> Path:
    """The rules shipped with tenken: what the carriers say about every bundled phone (the demo's story)."""
    return Path(str(resources.files("tenken.sim").joinpath("profiles", "carriers", "demo.toml")))


if TYPE_CHECKING:
    Seller = str
else:
    Seller = Literal[(*(carrier.value for carrier in Carrier), "none")]


class PhoneRule(Schema):
    """One [[phone]]: `carrier` and `mark`, or `marks` for an IMEI known at several carriers."""

    imei: str
    carrier: Seller | None = None  # a carrier's code, or "none": registered nowhere
    mark: str | None = None  # ○ when not given
    marks: dict[Carrier, str] | None = None
    fault: Fault | None = None  # the sites misbehave this way for this IMEI's answer only


class RulesFile(Schema):
    slow_seconds: Seconds = 30.0
    phone: list[PhoneRule] = msgspec.field(default_factory=list)
    faults: dict[Carrier, Fault] = msgspec.field(default_factory=dict)


@dataclass(slots=True)
class Rules:
    """Which mark each carrier gives an IMEI, and which sites are misbehaving."""

    marks: dict[str, dict[Carrier, Outcome]] = field(default_factory=dict)
    faults: dict[Carrier, str] = field(default_factory=dict)
    slow_seconds: float = 30.0
    imei_faults: dict[str, str] = field(default_factory=dict)  # IMEI → fault, for its answer only

    def fault_for(self, carrier: Carrier, imei: str | None) -> str | None:
        """How a site misbehaves for this request: the IMEI's own fault (on its answer), else the site's."""
        if imei is not None and imei in self.imei_faults:
            return self.imei_faults[imei]
        return self.faults.get(carrier)

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
        where = f"rules file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RulesError(where, f"cannot be read ({error})") from None
        document = convert(parse_toml(text, RulesError, where), RulesFile, RulesError, where)
        rules = cls(faults=dict(document.faults), slow_seconds=document.slow_seconds)
        for index, entry in enumerate(document.phone):
            at = f"phone[{index}]"
            try:
                imei = validate_imei(entry.imei)
            except InvalidIdentifier as error:
                raise RulesError(where, str(error), f"{at}.imei") from None
            if imei in rules.marks:
                raise RulesError(where, f"{imei} is listed twice", f"{at}.imei")
            if entry.marks is not None and (entry.carrier is not None or entry.mark is not None):
                raise RulesError(where, "give carrier and mark, or marks, not both", f"{at}.marks")
            if entry.marks is not None:
                glyphs = {carrier: (glyph, f"{at}.marks.{carrier}") for carrier, glyph in entry.marks.items()}
            elif entry.carrier in (None, "none"):
                glyphs = {}
            else:
                glyphs = {Carrier(entry.carrier): (entry.mark or "○", f"{at}.mark")}
            rules.marks[imei] = {
                carrier: _mark(glyph, where, key) for carrier, (glyph, key) in glyphs.items()
            }
            if entry.fault is not None:
                rules.imei_faults[imei] = entry.fault
        return rules


def parse_carrier(name: str, where: str) -> Carrier:
    try:
        return Carrier(name)
    except ValueError:
        raise RulesError(f"{where}: unknown carrier {name!r} (docomo, au, softbank, rakuten)") from None


def _mark(glyph: str, where: str, key: str) -> Outcome:
    outcome = normalise_mark(glyph)
    if outcome is None:
        raise RulesError(where, f"expected one of ○ △ × −, got {glyph!r}", key)
    return outcome


def parse_fault(mode: str, where: str) -> str:
    if mode not in FAULTS:
        raise RulesError(f"{where}: unknown fault {mode!r} ({', '.join(FAULTS)})")
    return mode
