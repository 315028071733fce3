"""The data tables tenken ships: each fits its schema, and an edited row that does not names file and key."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from tenken.catalog import CarriersTable, carrier_for_mcc_mnc, load_table, read_table
from tenken.catalog.apple import AppleTable
from tenken.catalog.models_jp import ModelsTable, lookup_model, match_pattern
from tenken.catalog.simlock import infer_sim_lock
from tenken.errors import CatalogError
from tenken.facts import Carrier
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
            "[carriers.au]\n",
            '[carriers.au]\nbrands = ["au"]\n',
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
            "released = 2019-06-14,",
            'released = "June",',
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


# ---------------------------------------------------------------------------------------------- rows


@pytest.mark.parametrize("model", ["XQ-AT42", "XQ-BQ42", "XQ-BE42", "XQ-CT44", "xq-dq44"])
def test_japanese_sim_free_sony_numbers_are_sim_free(model: str) -> None:
    found = lookup_model(model) or match_pattern(model)
    assert found is not None and found.carrier == "sim-free"


@pytest.mark.parametrize("model", ["XQ-AT52", "XQ-BQ62", "XQ-CT54", "XQ-DQ54", "XQ-DQ62", "XQ-BC72"])
def test_european_and_us_sony_numbers_are_not_japanese(model: str) -> None:
    assert lookup_model(model) is None and match_pattern(model) is None


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("XQ-CT44", "Xperia 1 IV"),
        ("XQ-DQ44", "Xperia 1 V"),
        ("SH-51C", "AQUOS wish2"),
        ("SH-52C", "AQUOS R7"),
    ],
)
def test_corrected_rows(model: str, name: str) -> None:
    row = lookup_model(model)
    assert row is not None and row.name == name


def test_every_row_says_whether_it_was_verified_and_none_could_be() -> None:
    """Nothing here could check a row against a carrier's page: every row says so (models_jp.toml header)."""
    table = load_table("models_jp.toml", ModelsTable)
    assert not [model for model, row in table.models.items() if row.verified]
    assert not [sku for sku, row in table.pixel_sku.items() if row.verified]
    assert "SHG13 is unverified" in _shipped("models_jp.toml")  # au's sense8 may be SHG11


# The rows whose SIM-lock answer flips at a carrier's date (SoftBank 2021-05-12, docomo 2021-08-27, au
# 2021-10-01): their launch dates decide the verdict's disclosure, so a changed date must be deliberate.
BOUNDARY_ROWS = [
    ("A002SO", date(2020, 10, 9), True),
    ("A102SO", date(2021, 6, 11), False),
    ("A101SH", date(2021, 6, 25), False),
    ("A101SO", date(2021, 7, 9), False),
    ("SC-51B", date(2021, 4, 22), True),
    ("SO-52B", date(2021, 6, 11), True),
    ("SO-51B", date(2021, 7, 9), True),
    ("SO-53B", date(2021, 11, 12), False),
    ("SOG04", date(2021, 6, 18), True),
    ("SOG03", date(2021, 7, 9), True),
    ("SOG05", date(2021, 11, 12), False),
]


@pytest.mark.parametrize(("model", "released", "possibly_locked"), BOUNDARY_ROWS)
def test_rows_at_the_sim_lock_dates(model: str, released: date, possibly_locked: bool) -> None:
    row = lookup_model(model)
    assert row is not None and row.released == released
    guess = infer_sim_lock(Carrier(row.carrier), row.released)
    assert guess.locked is possibly_locked


def test_kddi_owns_440_78() -> None:
    info = carrier_for_mcc_mnc("44078")
    assert info is not None and info.key == "au"
    assert info.network == "au network"
