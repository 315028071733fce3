"""Apple model facts that no phone reports: marketing name and release date per ProductType, and where a
RegionInfo code was sold. Data lives in apple_models.toml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated

from msgspec import Meta

from tenken.catalog import load_table
from tenken.schema import FrozenSchema

JAPAN_REGION = "J/A"
TABLE = "apple_models.toml"


class AppleRow(FrozenSchema, frozen=True):
    name: str
    released: date


class AppleTable(FrozenSchema, frozen=True):
    """apple_models.toml"""

    models: dict[Annotated[str, Meta(pattern=r"^iPhone\d+,\d+$")], AppleRow]  # by ProductType
    regions: dict[Annotated[str, Meta(pattern=r"^[A-Z]{1,2}/A$")], str]  # RegionInfo → where it was sold


@dataclass(frozen=True, slots=True)
class AppleModel:
    product_type: str
    name: str
    released: date


@cache
def _table() -> AppleTable:
    return load_table(TABLE, AppleTable)


def apple_model(product_type: str) -> AppleModel | None:
    """The catalogued model for a ProductType ("iPhone14,5" → iPhone 13, 2021-09-24), or None."""
    row = _table().models.get(product_type)
    if row is None:
        return None
    return AppleModel(product_type, row.name, row.released)


def region_name(region_info: str) -> str | None:
    """Where a RegionInfo code ("J/A") was sold, or None when the code is not in the table."""
    return _table().regions.get(region_info)
