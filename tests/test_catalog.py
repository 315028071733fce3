"""The data tables tenken ships: each fits its schema, and an edited row that does not names file and key."""

from __future__ import annotations

from importlib import resources

import pytest

from tenken.catalog import CarriersTable, load_table, read_table
from tenken.catalog.apple import AppleTable
from tenken.catalog.models_jp import ModelsTable
from tenken.errors import CatalogError
from tenken.schema import FrozenSchema

SCHEMAS: dict[str, type[FrozenSchema]] = {
    "carriers.toml": CarriersTable,
    "apple_models.toml": AppleTable,
    "models_jp.toml": ModelsTable,
}


def _shipped(name: str) -> str:
    return resources.files("tenken.catalog").joinpath(name).read_text(encoding="utf-8")


def test_every_shipped_table_has_a_schema() -> None:
    shipped = {
        entry.name for entry in resources.files("tenken.catalog").iterdir() if entry.name.endswith(".toml")
    }
    assert shipped == set(SCHEMAS)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_shipped_table_validates(name: str) -> None:
    table = load_table(name, SCHEMAS[name])
    assert isinstance(table, SCHEMAS[name])


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "carriers.toml",
            'name = "KDDI au"\n',
            'name = "KDDI au"\nbrands = ["au"]\n',
            "carriers.au.brands: unknown key",
        ),
        (
            "carriers.toml",
            'mcc_mnc = ["44010"]',
            'mcc_mnc = ["4401O"]',
            "carriers.docomo.mcc_mnc[0]: expected str matching",
        ),
        (
            "carriers.toml",
            "[carriers.rakuten]",
            "[carriers.rakuen]",
            "carriers.rakuen: unknown key (did you mean 'rakuten'?)",
        ),
        (
            "models_jp.toml",
            "released = 2019-06-14 }",
            'released = "June" }',
            "models.SO-03L.released: expected a date (YYYY-MM-DD), got 'June'",
        ),
        (
            "models_jp.toml",
            'carrier = "docomo", name = "Xperia 1"',
            'carrier = "dcm", name = "Xperia 1"',
            "models.SO-03L.carrier: expected one of",
        ),
        (
            "models_jp.toml",
            "regex = '^SH-RM\\d{2}'",
            "regex = '^SH-RM(\\d{2}'",
            "patterns[0]: regex does not compile",
        ),
        ("models_jp.toml", "era_base = 2020\n", "", "patterns[2]: era and era_base go together"),
        (
            "apple_models.toml",
            '[models."iPhone3,1"]',
            '[models."iphone3,1"]',
            'models."iphone3,1": invalid key: expected str matching ^iPhone\\d+,\\d+$',
        ),
    ],
)
def test_a_broken_row_names_the_file_and_the_key(name: str, old: str, new: str, message: str) -> None:
    text = _shipped(name)
    assert old in text
    with pytest.raises(CatalogError) as raised:
        read_table(text.replace(old, new, 1), f"catalog table {name}", SCHEMAS[name])
    assert str(raised.value).startswith(f"catalog table {name}: {message}")
