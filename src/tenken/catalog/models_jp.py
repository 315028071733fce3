"""Japanese Android model numbers → the carrier the phone was sold for (models_jp.toml), with the rule used.

The explicit table comes first; Samsung CSC codes and Pixel Japan SKUs identify a market build; the
numbering-scheme regexes are a labelled fallback that also bound the launch date ("model era").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from tenken.catalog import load_table

TABLE = "models_jp.toml"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    model: str
    carrier: str  # carrier key or "sim-free"
    name: str
    maker: str
    released: date


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


def normalise_model(model: str) -> str:
    return model.strip().upper()


@cache
def _models() -> dict[str, ModelInfo]:
    rows = load_table(TABLE)["models"]
    return {
        normalise_model(model): ModelInfo(
            model=model,
            carrier=row["carrier"],
            name=row["name"],
            maker=row["maker"],
            released=row["released"],
        )
        for model, row in rows.items()
    }


def lookup_model(model: str) -> ModelInfo | None:
    """The table row for a model number (case-insensitive), or None."""
    return _models().get(normalise_model(model))


def match_pattern(model: str) -> PatternMatch | None:
    """The first numbering scheme the model number fits, with the launch-date range it implies."""
    text = normalise_model(model)
    for row in load_table(TABLE)["patterns"]:
        found = re.match(row["regex"], text)
        if found is None:
            continue
        earliest: date | None = row.get("earliest")
        latest: date | None = row.get("latest")
        era = row.get("era")
        if era is not None:
            marker = found.group(1)
            offset = ord(marker) - ord("A") if era == "fiscal_letter" else int(marker)
            year = int(row["era_base"]) + offset
            earliest, latest = date(year, 3, 1), date(year + 1, 3, 31)
        return PatternMatch(row["carrier"], row["rule"], earliest, latest)
    return None


def samsung_csc(code: str) -> MarketBuild | None:
    row = load_table(TABLE)["samsung_csc"].get(code.strip().upper())
    if row is None:
        return None
    return MarketBuild(code=code, carrier=row["carrier"], market=row["market"])


def pixel_japan_sku(sku: str) -> MarketBuild | None:
    row = load_table(TABLE)["pixel_sku"].get(sku.strip().upper())
    if row is None:
        return None
    return MarketBuild(code=sku, carrier=None, market="JP", model=row["model"], released=row["released"])
