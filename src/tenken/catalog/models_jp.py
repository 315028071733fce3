"""Japanese Android model numbers → the carrier the phone was sold for (models_jp.toml), with the rule used.

The explicit table comes first; Samsung CSC codes and Pixel Japan SKUs identify a market build; the
numbering-scheme regexes are a labelled fallback that also bound the launch date ("model era").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated, Literal

from msgspec import Meta

from tenken.catalog import load_table
from tenken.facts import SIM_FREE, Carrier
from tenken.schema import FrozenSchema

TABLE = "models_jp.toml"
if TYPE_CHECKING:
    SoldBy = str
else:  # a carrier's code, or "sim-free" (sold by the maker): checked when the table is read
    SoldBy = Literal[(*(carrier.value for carrier in Carrier), SIM_FREE)]


class ModelRow(FrozenSchema, frozen=True):
    carrier: SoldBy
    name: str
    maker: str
    verified: bool  # name and launch date checked against the carrier's or maker's own page
    released: date | None = None  # None: not known; the model-number era bounds it


class CscRow(FrozenSchema, frozen=True):
    carrier: SoldBy
    market: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]  # ISO country


class SkuRow(FrozenSchema, frozen=True):
    model: str
    released: date
    sold_by: tuple[SoldBy, ...]  # who sells this SKU in Japan ("sim-free": the maker's own store)
    verified: bool  # launch date checked against Google's own page


class PatternRow(FrozenSchema, frozen=True):
    rule: str
    regex: str
    carrier: SoldBy
    era: Literal["fiscal_letter", "fiscal_digit"] | None = None  # group 1 of the regex dates the model
    era_base: int | None = None
    earliest: date | None = None
    latest: date | None = None

    def __post_init__(self) -> None:
        try:
            groups = re.compile(self.regex).groups
        except re.error as error:
            raise ValueError(f"regex does not compile: {error}") from None
        if (self.era is None) != (self.era_base is None):
            raise ValueError("era and era_base go together")
        if self.era is not None and groups < 1:
            raise ValueError("an era needs a group in the regex")


class ModelsTable(FrozenSchema, frozen=True):
    """models_jp.toml"""

    models: dict[str, ModelRow]
    samsung_csc: dict[str, CscRow]
    pixel_sku: dict[str, SkuRow]
    patterns: tuple[PatternRow, ...]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    model: str
    carrier: str  # carrier key or "sim-free"
    name: str
    maker: str
    released: date | None
    verified: bool


@dataclass(frozen=True, slots=True)
class PatternMatch:
    carrier: str
    rule: str
    earliest: date | None  # the launch date the model number allows, as a range
    latest: date | None


@dataclass(frozen=True, slots=True)
class MarketBuild:
    code: str
    carrier: str | None  # carrier key, "sim-free", or None when it names a market only
    market: str  # ISO country
    model: str = ""
    released: date | None = None
    sold_by: tuple[str, ...] = ()  # who sells this build in Japan, when the table says


def normalise_model(model: str) -> str:
    return model.strip().upper()


@cache
def _table() -> ModelsTable:
    return load_table(TABLE, ModelsTable)


@cache
def _models() -> dict[str, ModelInfo]:
    rows = _table().models
    return {
        normalise_model(model): ModelInfo(model, row.carrier, row.name, row.maker, row.released, row.verified)
        for model, row in rows.items()
    }


def lookup_model(model: str) -> ModelInfo | None:
    """The table row for a model number (case-insensitive), or None."""
    return _models().get(normalise_model(model))


def match_pattern(model: str) -> PatternMatch | None:
    """The first numbering scheme the model number fits, with the launch-date range it implies."""
    text = normalise_model(model)
    for row in _table().patterns:
        found = re.match(row.regex, text)
        if found is None:
            continue
        earliest, latest = row.earliest, row.latest
        if row.era is not None and row.era_base is not None:
            marker = found.group(1)
            offset = ord(marker) - ord("A") if row.era == "fiscal_letter" else int(marker)
            year = row.era_base + offset
            earliest, latest = date(year, 3, 1), date(year + 1, 3, 31)
        return PatternMatch(row.carrier, row.rule, earliest, latest)
    return None


def samsung_csc(code: str) -> MarketBuild | None:
    row = _table().samsung_csc.get(code.strip().upper())
    if row is None:
        return None
    return MarketBuild(code=code, carrier=row.carrier, market=row.market)


def pixel_japan_sku(sku: str) -> MarketBuild | None:
    row = _table().pixel_sku.get(sku.strip().upper())
    if row is None:
        return None
    return MarketBuild(
        code=sku, carrier=None, market="JP", model=row.model, released=row.released, sold_by=row.sold_by
    )
