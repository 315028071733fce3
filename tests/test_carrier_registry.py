"""The carriers are listed once: catalog/carriers.toml (names, checker, origin, provider, market order, SIM
networks) beside their codes in tenken.facts.Carrier. Everything else reads that table; only a carrier's
own code (its provider module, the simulator of its site, its SIM-lock history) names a carrier."""

from __future__ import annotations

import ast
from pathlib import Path

from tenken import config
from tenken.catalog import carrier_row, market_order
from tenken.facts import Carrier
from tenken.lookups import plan
from tenken.lookups.providers import provider_class
from tenken.report.export import columns
from tenken.report.labels import label

SOURCE = Path(__file__).resolve().parents[1] / "src" / "tenken"
KEYS = {carrier.value for carrier in Carrier}
MEMBERS = {carrier.name for carrier in Carrier}
# The code that is about one carrier in particular, and so names it.
OWN_CODE = {
    "facts.py",  # the codes themselves
    *(f"lookups/{carrier_row(carrier).provider.split(':')[0].rsplit('.', 1)[1]}.py" for carrier in Carrier),
    "sim/carriers/pages.py",  # each site as the simulator serves it
    "sim/carriers/rules.py",
    "sim/carriers/server.py",
    "catalog/simlock.py",  # docomo's lump-sum unlock, SoftBank's unlock of every sale: their own history
}


def test_the_table_and_the_codes_name_the_same_carriers() -> None:
    assert set(market_order()) == set(Carrier)
    for carrier in Carrier:
        row = carrier_row(carrier)
        assert provider_class(carrier).carrier is carrier
        assert row.origin.startswith("https://") and row.checker.startswith(row.origin)


def test_everything_else_reads_the_table() -> None:
    settings = config.load(environ={"TENKEN_CONFIG": ""})
    for carrier in Carrier:
        row = carrier_row(carrier)
        assert settings.lookup.site(carrier).origin == row.origin  # [lookup.<carrier>], defaulted
        assert f"TENKEN_LOOKUP_{carrier.name}_ORIGIN" in config.env_names()
        assert (label(f"carrier.{carrier.value}", "en"), label(f"carrier.{carrier.value}", "ja")) == (
            row.short,
            row.name_ja,
        )
        assert carrier.value in columns(["retail"]) and f"{carrier.value}_imei2" in columns(["retail"])
    assert market_order() == plan.MARKET_ORDER


def test_no_other_code_names_a_carrier() -> None:
    """Adding a carrier is a row in the table, its code, and its provider (and its simulated site)."""
    stray = []
    for path in sorted(SOURCE.rglob("*.py")):
        where = str(path.relative_to(SOURCE))
        if where in OWN_CODE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in KEYS:
                stray.append(f"{where}:{node.lineno} {node.value!r}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in MEMBERS
                and isinstance(node.value, ast.Name)
                and node.value.id == "Carrier"
            ):
                stray.append(f"{where}:{node.lineno} Carrier.{node.attr}")
    assert not stray, stray


def test_a_carrier_is_typed_by_any_of_its_names_from_the_table() -> None:
    from tenken.station.recording import parse_carrier

    typed = {"ドコモ": "docomo", "ahamo": "docomo", "ＡＵ": "au", "povo": "au", "ワイモバイル": "softbank"}
    typed |= {"楽天": "rakuten", "Rakuten Mobile": "rakuten", "SoftBank": "softbank"}
    for text, carrier in typed.items():
        assert parse_carrier(text) is Carrier(carrier), text
    assert parse_carrier("mineo") is None  # an MVNO with its own checker, which tenken does not ask
