"""Apple model facts that no phone reports: marketing name and release date per ProductType, and where a
RegionInfo code was sold. Data lives in apple_models.toml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tenken.catalog import load_table

JAPAN_REGION = "J/A"


@dataclass(frozen=True, slots=True)
class AppleModel:
    product_type: str
    name: str
    released: date


def apple_model(product_type: str) -> AppleModel | None:
    """The catalogued model for a ProductType ("iPhone14,5" → iPhone 13, 2021-09-24), or None."""
    row = load_table("apple_models.toml")["models"].get(product_type)
    if row is None:
        return None
    return AppleModel(product_type, row["name"], row["released"])


def region_name(region_info: str) -> str | None:
    """Where a RegionInfo code ("J/A") was sold, or None when the code is not in the table."""
    name: str | None = load_table("apple_models.toml")["regions"].get(region_info)
    return name
