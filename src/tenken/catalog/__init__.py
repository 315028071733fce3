"""Data tables shipped as data files, with tiny loaders. Each table is checked against its Struct when
first read, so an edited row that does not fit names the file and the key; each answer names the table
row it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated, TypeVar

from msgspec import Meta

from tenken.errors import CatalogError
from tenken.facts import Carrier
from tenken.schema import FrozenSchema, convert, parse_toml

T = TypeVar("T")


def load_table(name: str, kind: type[T]) -> T:
    """A TOML table shipped in this package, checked against `kind`. Each module caches its tables."""
    resource = resources.files(__package__).joinpath(name)
    return read_table(resource.read_text(encoding="utf-8"), f"catalog table {resource}", kind)


def read_table(text: str, where: str, kind: type[T]) -> T:
    return convert(parse_toml(text, CatalogError, where), kind, CatalogError, where)


class CarrierRow(FrozenSchema, frozen=True):
    name: str
    short: str  # as tenken prints it in English ("docomo", "SoftBank")
    name_ja: str  # as it is printed in Japanese ("ドコモ")
    checker: Annotated[str, Meta(pattern=r"^https://")]  # the page a person opens to check an IMEI by hand
    origin: Annotated[str, Meta(pattern=r"^https://[^/?#\s]+$")]  # what tenken asks, unless configured
    provider: Annotated[str, Meta(pattern=r"^tenken\.lookups\.\w+:\w+$")]  # module:class of the look-up
    mcc_mnc: tuple[Annotated[str, Meta(pattern=r"^\d{5,6}$")], ...]  # the SIM networks it owns
    typed: tuple[str, ...] = ()  # what people type for it (tenken record mark), besides its names
    simlock_free_from: date | None = (
        None  # models released from this date were sold unlocked; None: never locked
    )


class SimLockHistory(FrozenSchema, frozen=True):
    """[simlock] of carriers.toml: the dates that hold for every carrier."""

    unlockable_from: date  # models released from then on must be unlockable on request
    no_locked_sales_from: date  # no model released from then on was sold locked
    iphone_unlocked_from: date  # J/A iPhones released from then on were sold unlocked by every carrier


class CarriersTable(FrozenSchema, frozen=True):
    """carriers.toml"""

    simlock: SimLockHistory
    carriers: dict[Carrier, CarrierRow]


@dataclass(frozen=True, slots=True)
class CarrierInfo:
    key: str  # "docomo", "au", "softbank", "rakuten" (tenken.facts.Carrier values)
    name: str
    simlock_free_from: date | None  # models released from this date were sold unlocked; None: never locked

    @property
    def network(self) -> str:
        """What a SIM's MCC-MNC names: the network, not who sold the phone or holds the contract."""
        return f"{self.key} network"


@cache
def _table() -> CarriersTable:
    return load_table("carriers.toml", CarriersTable)


def carriers() -> dict[str, CarrierInfo]:
    table = _table().carriers
    return {
        key.value: CarrierInfo(key=key.value, name=row.name, simlock_free_from=row.simlock_free_from)
        for key, row in table.items()
    }


def checker_page(carrier: Carrier) -> str:
    """The carrier's network-restriction page, as a person opens it in a browser."""
    return _table().carriers[carrier].checker


def carrier_row(carrier: Carrier) -> CarrierRow:
    """Everything the table says of one carrier."""
    return _table().carriers[carrier]


def market_order() -> tuple[Carrier, ...]:
    """The carriers in the order the look-ups ask them when nothing names the seller (the table's order)."""
    return tuple(_table().carriers)


def simlock_history() -> SimLockHistory:
    return _table().simlock


def carrier_for_mcc_mnc(code: str) -> CarrierInfo | None:
    """The Japanese carrier owning a SIM's MCC+MNC ("44010" → docomo), or None when not Japanese/known."""
    for key, row in _table().carriers.items():
        if code in row.mcc_mnc:
            return carriers()[key.value]
    return None
