"""Data tables shipped as data files, with tiny loaders. Each answer names the table row it used."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_table(name: str) -> dict[str, Any]:
    """A TOML table shipped in this package, parsed once."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class CarrierInfo:
    key: str  # "docomo", "au", "softbank", "rakuten" (tenken.facts.Carrier values)
    name: str
    simlock_free_from: date  # models released on or after this date carry no SIM lock


def carriers() -> dict[str, CarrierInfo]:
    table = load_table("carriers.toml")["carriers"]
    return {
        key: CarrierInfo(key=key, name=row["name"], simlock_free_from=row["simlock_free_from"])
        for key, row in table.items()
    }


def carrier_for_mcc_mnc(code: str) -> CarrierInfo | None:
    """The Japanese carrier owning a SIM's MCC+MNC ("44010" → docomo), or None when not Japanese/known."""
    table = load_table("carriers.toml")["carriers"]
    for key, row in table.items():
        if code in row["mcc_mnc"]:
            return carriers()[key]
    return None
