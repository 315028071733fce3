"""The data flows one way (docs/architecture.md): each package imports only the layers below it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "tenken"

# package (first part below tenken) → the tenken packages it may import
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "files": set(),
    "facts": {"errors"},
    "imei": {"errors", "facts"},
    "schema": {"errors"},
    "config": {"catalog", "errors", "facts", "schema"},
    "catalog": {"errors", "facts", "schema"},
    "devices": {"catalog", "config", "errors", "facts", "files", "imei"},
    "store": {"config", "errors", "facts", "files", "inspection"},
    "lookups": {"catalog", "config", "errors", "facts", "imei", "store"},
    "station": {
        "catalog",
        "config",
        "devices",
        "errors",
        "facts",
        "files",
        "imei",
        "inspection",
        "lookups",
        "report",
        "store",
        "verdict",
    },
    "report": {"catalog", "errors", "facts", "files", "inspection"},
    "inspection": {"errors", "facts"},
    "verdict": {"catalog", "errors", "facts", "imei", "inspection", "schema"},
    "sim": {"devices", "errors", "facts", "files", "imei", "lookups", "schema"},
    # the page renders the running station (station.view only: see below) and never reaches past it
    "web": {"catalog", "config", "errors", "facts", "inspection", "report", "station"},
}
# Packages that may import only some modules of another (package → {package: the modules allowed}).
ONLY: dict[str, dict[str, set[str]]] = {"web": {"station": {"tenken.station.view"}}}


# package → the third-party libraries it may import. The verdict is pure (no I/O library); reports do not
# reach the network or the database; only the command layer and cli.py talk to a person through click.
THIRD_PARTY: dict[str, set[str]] = {
    "errors": set(),
    "files": set(),
    "facts": set(),
    "inspection": set(),
    "imei": {"stdnum"},
    "schema": {"msgspec"},
    "config": {"msgspec", "platformdirs"},
    "catalog": {"msgspec"},
    "devices": {"adbutils", "cryptography", "packaging", "pymobiledevice3"},
    "lookups": {"httpx", "selectolax"},
    "store": {"alembic", "sqlalchemy"},
    "verdict": {"msgspec"},
    "report": {"msgspec", "rich", "segno", "xlsxwriter"},
    "station": {
        "httpx",
        "selenium",
    },  # webhooks; the assisted browser (handoff.py); the database is the store's, the adb server the readers'
    "sim": {"PIL", "adbutils", "anyio", "cryptography", "msgspec", "stdnum"},  # PIL: docomo's CAPTCHA image
    "web": {"argon2", "jinja2", "markupsafe", "starlette", "uvicorn"},
    "commands": {"click", "msgspec", "rich", "uvicorn"},  # uvicorn: `tenken serve` runs the page
    "cli": {"click"},
    "__init__": set(),
    "__main__": set(),
}
# Packages with a subpackage per platform: one platform's code never imports another's.
PLATFORMS = {"devices": {"ios", "android"}, "sim": {"ios", "android", "carriers"}}


def third_party(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found.update(
            top
            for top in (name.split(".")[0] for name in names)
            if top != "tenken" and top not in sys.stdlib_module_names
        )
    return found


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_third_party_libraries_stay_in_their_layer(path: Path) -> None:
    own = layer(path)
    stray = third_party(path) - THIRD_PARTY[own]
    assert not stray, f"{own} may not import {sorted(stray)}"


def test_the_third_party_rules_name_only_what_is_installed() -> None:
    from importlib.util import find_spec

    for allowed in THIRD_PARTY.values():
        for name in allowed:
            assert find_spec(name) is not None, name


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_one_platform_does_not_import_another(path: Path) -> None:
    parts = path.relative_to(SOURCE).parts
    if len(parts) < 3 or parts[0] not in PLATFORMS or parts[1] not in PLATFORMS[parts[0]]:
        return
    others = PLATFORMS[parts[0]] - {parts[1]}
    prefix = f"tenken.{parts[0]}."
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for module in modules:
            if module.startswith(prefix):
                assert module.removeprefix(prefix).split(".")[0] not in others, f"{path}: {module}"


# Modules a layer may import although their package sits above it: plain data, nothing that acts. The
# terminal board (report/live.py) draws the running station as station/view.py describes it.
SEAMS: dict[str, set[str]] = {"report": {"tenken.station.view"}}


def modules(path: Path) -> set[str]:
    """Every tenken module `path` imports, by its full name (`from tenken import x`: tenken.x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tenken."):
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "tenken":
            found.update(f"tenken.{alias.name}" for alias in node.names if alias.name != "__version__")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("tenken."))
    return found


def imports(path: Path) -> set[str]:
    """The tenken packages `path` imports, but for the seams its layer may use."""
    seams = SEAMS.get(layer(path), set())
    return {module.split(".")[1] for module in modules(path) - seams}


def layer(path: Path) -> str:
    return path.relative_to(SOURCE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_imports_follow_the_data_flow(path: Path) -> None:
    own = layer(path)
    if own not in ALLOWED:
        return  # commands/, cli.py, __init__/__main__: the edge may import everything
    forbidden = imports(path) - ALLOWED[own] - {own}
    assert not forbidden, f"{own} may not import {sorted(forbidden)}"


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_some_packages_import_only_some_modules_of_another(path: Path) -> None:
    for package, allowed in ONLY.get(layer(path), {}).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                if module.startswith(f"tenken.{package}"):
                    assert module in allowed, f"{path}: {module} (only {sorted(allowed)})"


# The command modules every command may share; no command imports another command (what two commands
# share lives in station/ or report/).
SHARED_COMMANDS = {"options", "inputs", "since", "help_ja"}


@pytest.mark.parametrize(
    "path", sorted((SOURCE / "commands").glob("*.py")), ids=lambda path: str(path.relative_to(SOURCE))
)
def test_no_command_imports_another(path: Path) -> None:
    own = path.stem
    others = {
        module.removeprefix("tenken.commands.").split(".")[0]
        for module in modules(path)
        if module.startswith("tenken.commands.")
    }
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # from tenken.commands import x
        if isinstance(node, ast.ImportFrom) and node.module == "tenken.commands":
            others.update(alias.name for alias in node.names)
    assert not others - SHARED_COMMANDS - {own}, f"{path.name} imports {sorted(others - SHARED_COMMANDS)}"


def test_the_rules_cover_every_package() -> None:
    edge = {"commands", "cli", "__init__", "__main__", "py"}
    assert {layer(path) for path in SOURCE.rglob("*.py")} - set(ALLOWED) - edge == set()


# Every file and folder tenken writes goes through tenken/files.py (owner-only: 0600, 0700). These calls
# write or create something, or set its mode. tempfile's files and folders are owner-only by themselves
# (mkstemp, mkdtemp, TemporaryFile and the rest: 0600 and 0700) and are not listed.
WRITES = {"mkdir", "makedirs", "write_text", "write_bytes", "touch", "chmod", "fchmod", "mkfifo"}
WRITES |= {"symlink_to", "hardlink_to"}
SHUTIL_WRITES = {"copy", "copy2", "copyfile", "copytree", "move"}
# Where a write stays outside files.py, and why.
OWN_WRITES = {
    "files.py": {"*"},
    "store/engine.py": {"os.open", "chmod"},  # the database file, made 0600 before SQLite opens it
    "store/spool.py": {"os.open"},  # appended to under a lock; created 0600
    "commands/udev.py": {"mkdir", "chmod"},  # a root-owned rule udevd reads: 0644 like every rule
}


def writes(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        )
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        if called in WRITES or (owner == "shutil" and called in SHUTIL_WRITES):
            found.add(called)
        elif called == "open" and owner == "os":
            found.add("os.open")
        elif called == "open":
            modes = [arg for arg in [*node.args, *(kw.value for kw in node.keywords if kw.arg == "mode")]]
            literal = [
                arg.value for arg in modes if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
            if any(set(mode) & set("wax+") for mode in literal):
                found.add("open")
    return found


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_every_write_goes_through_files(path: Path) -> None:
    allowed = OWN_WRITES.get(str(path.relative_to(SOURCE)), set())
    if "*" in allowed:
        return
    stray = writes(path) - allowed
    assert not stray, (
        f"{sorted(stray)}: write through tenken.files (owner-only), or say why not in OWN_WRITES"
    )
