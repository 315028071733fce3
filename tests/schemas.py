"""Every JSON document the suite's scenarios make is checked against its JSON Schema (with the
`jsonschema` library, draft 2020-12, formats checked) and converted into its type with msgspec in strict
mode: an output and its declared shape cannot drift apart. `run_cli` calls `check_output` on every
run; tests that read JSON from a file call `check_json` themselves."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import jsonschema
import msgspec

from tenken.report.schema import DOCUMENTS, schema

# global options that take a value (cli.py): skipped to find the command's name
_GLOBAL_WITH_VALUE = {"--config", "--db", "--lang"}


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    found = schema(name)
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(
        found, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_json(name: str, text: str) -> Any:
    """The document parsed, after checking it against the schema and the type named `name`."""
    payload = json.loads(text)
    validator(name).validate(payload)
    msgspec.convert(payload, DOCUMENTS[name], strict=True)
    return payload


def check_lines(name: str, text: str) -> list[Any]:
    """JSON Lines: every line one document of `name`."""
    return [check_json(name, line) for line in text.splitlines() if line.strip()]


def document_name(args: Sequence[str]) -> str | None:
    """Which schema a command line's stdout follows, if it prints JSON there."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option in _GLOBAL_WITH_VALUE and rest:
            rest.pop(0)
    if not rest:
        return None
    command, options = rest[0], rest[1:]
    if command == "doctor" and "--carriers" in options and "--json" in options:
        return "doctor-carriers"
    if (
        command in ("inspect", "report", "lookup", "history", "watch", "recheck", "doctor")
        and "--json" in options
    ):
        return command
    if command == "watch" and "--jsonl" in options:
        return "watch-line"
    if command == "export" and "--out" not in options:
        kind = options[options.index("--format") + 1] if "--format" in options[:-1] else "csv"
        return {"json": "export", "jsonl": "export-row"}.get(kind)
    return None


def check_output(args: Sequence[str], exit_code: int, stdout: str) -> None:
    """What `tenken ARGS` printed, checked when it is a JSON document (errors print none: 64 and up)."""
    name = document_name(args)
    if name is None or exit_code >= 64 or not stdout.strip():
        return
    if name in ("export-row", "watch-line"):
        check_lines(name, stdout)
    else:
        check_json(name, stdout)
