"""The data flows one way (docs/architecture.md): each package imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "tenken"

# package (first part below tenken) → the tenken packages it may import
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "facts": {"errors"},
    "imei": {"errors"},
    "schema": {"errors"},
    "config": {"errors", "schema"},
    "catalog": {"errors", "facts", "schema"},
    "devices": {"catalog", "config", "errors", "facts", "imei"},
    "store": {"config", "errors", "facts", "inspection"},
    "lookups": {"config", "errors", "facts", "imei", "store"},
    "station": {
        "config",
        "devices",
        "errors",
        "facts",
        "imei",
        "inspection",
        "lookups",
        "report",
        "store",
        "verdict",
    },
    "report": {"errors", "facts", "inspection"},
    "inspection": {"errors", "facts"},
    "verdict": {"catalog", "errors", "facts", "imei", "inspection", "schema"},
    "sim": {"devices", "errors", "facts", "imei", "lookups", "schema"},
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tenken."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "tenken":
            found.update(alias.name for alias in node.names if alias.name != "__version__")
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("tenken."))
    return found


def layer(path: Path) -> str:
    return path.relative_to(SOURCE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_imports_follow_the_data_flow(path: Path) -> None:
    own = layer(path)
    if own not in ALLOWED:
        return  # commands/, cli.py, __init__/__main__: the edge may import everything
    forbidden = imports(path) - ALLOWED[own] - {own}
    assert not forbidden, f"{own} may not import {sorted(forbidden)}"


def test_the_rules_cover_every_package() -> None:
    edge = {"commands", "cli", "__init__", "__main__", "py"}
    assert {layer(path) for path in SOURCE.rglob("*.py")} - set(ALLOWED) - edge == set()
