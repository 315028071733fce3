"""One way to check the files people write (configuration, simulator profiles, the carrier simulator's
rules) and the tables tenken ships, against msgspec Struct types, and to say what is wrong in one line.

msgspec says "Expected `int`, got `str` - at `$.lookup.retries`"; a technician reads
"config file …/config.toml: lookup.retries: expected int >= 0, got 'abc'". Unknown keys are errors, with
a "did you mean" when one is close: a typo must never fall back to a default silently.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta
from msgspec import inspect as mi

from tenken.errors import InvalidFile

T = TypeVar("T")

YEAR_SECONDS = 365 * 24 * 3600
YEAR_HOURS = 365 * 24
# Durations are bounded: a year is more than any wait tenken makes, and 1e308 hours overflows timedelta.
Seconds = Annotated[float, Meta(ge=0, le=YEAR_SECONDS)]
PositiveSeconds = Annotated[float, Meta(gt=0, le=YEAR_SECONDS)]
Hours = Annotated[float, Meta(ge=0, le=YEAR_HOURS)]


class Schema(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every table a file is checked against: a key the table does not know is an error."""


class FrozenSchema(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The same, for tables kept as they were read (profiles, catalogs). Subclasses say `frozen=True`
    again, for mypy."""


def parse_toml(text: str, error: type[InvalidFile], where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise error(where, f"not valid TOML: {problem}") from None


def convert(
    data: object, kind: type[T], error: type[InvalidFile], where: str, *, at: str = "", strict: bool = True
) -> T:
    """`data` as `kind`, or `error(where, problem, key)`. `at` is where `data` sits in its file (a table
    checked on its own); strict=False reads numbers and booleans from strings (environment variables)."""
    try:
        return msgspec.convert(data, kind, strict=strict)
    except msgspec.ValidationError as failure:
        key, problem = explain(str(failure), data, kind, strict)
        raise error(where, problem, _joined(at, key)) from None


# ---------------------------------------------------------------------------------------------- explaining

_MESSAGE = re.compile(r"^(?P<text>.*?)(?: - at (?P<in_key>`key` in )?`(?P<path>\$[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MISSING = object()

Step = str | int | None  # a key, an array index, or a table key msgspec did not name ("[...]")


def explain(message: str, data: object, kind: Any, strict: bool) -> tuple[str, str]:
    """(dotted key path, problem) for a msgspec validation message about `data`."""
    text, bad_key, steps, data = _name_keys(message, data, kind, strict)
    root = mi.type_info(kind)
    if bad_key is not None:
        table = _container(_type_at(root, steps))
        if not isinstance(table, mi.DictType):
            return dotted([*steps, bad_key]), f"invalid key: {_lower(text)}"
        allowed = _choices(table.key_type)
        problem = (
            _unknown(bad_key, allowed) if allowed else f"invalid key: expected {_expected(table.key_type)}"
        )
        return dotted([*steps, bad_key]), problem
    if text.startswith(_UNKNOWN_FIELD):
        name = text.removeprefix(_UNKNOWN_FIELD).rstrip("`")
        table = _container(_type_at(root, steps))
        fields = [field.encode_name for field in table.fields] if isinstance(table, mi.StructType) else []
        return dotted([*steps, name]), _unknown(name, fields)
    if text.startswith(_MISSING_FIELD):
        return dotted([*steps, text.removeprefix(_MISSING_FIELD).rstrip("`")]), "required key is missing"
    if text.startswith(("Expected ", "Invalid enum value", "Invalid RFC3339")):
        expected = _type_at(root, steps)
        got = _get(data, steps)
        problem = f"expected {_expected(expected)}" if expected is not None else _lower(text)
        return dotted(steps), problem if got is _MISSING else f"{problem}, got {_shown(got)}"
    return dotted(steps), text  # a check of our own (__post_init__) said it in words


_UNKNOWN_FIELD = "Object contains unknown field `"
_MISSING_FIELD = "Object missing required field `"


def _name_keys(message: str, data: Any, kind: Any, strict: bool) -> tuple[str, str | None, list[Step], Any]:
    """msgspec writes `[...]` for a table key it does not name, and "`key` in" when the key itself is
    wrong. Name those keys by checking the table's entries one at a time. Returns msgspec's text, the
    wrong key (if the key is what is wrong), the key path, and the data narrowed to the failing entries."""
    named: dict[int, str] = {}
    while True:
        text, in_key, steps = _split(message)
        steps = [named.get(index, step) for index, step in enumerate(steps)]
        if None in steps:
            position = steps.index(None)
        elif in_key and len(steps) not in named:
            position = len(steps)
        else:
            break
        found = _narrow(data, steps, position, kind, strict)
        if found is None:
            break
        data, named[position], message = found
    return text, named.get(len(steps)) if in_key else None, steps, data


def _split(message: str) -> tuple[str, bool, list[Step]]:
    match = _MESSAGE.match(message)
    assert match is not None  # the pattern matches any text
    steps: list[Step] = []
    for name, index in _STEP.findall(match["path"] or ""):
        steps.append(name if name else int(index) if index else None)
    return match["text"], bool(match["in_key"]), steps


def _narrow(
    data: Any, steps: list[Step], position: int, kind: Any, strict: bool
) -> tuple[Any, str, str] | None:
    """msgspec does not name the failing key of a table: try its entries one at a time. Returns the data
    with only the failing entry left in that table, its key, and msgspec's message for it."""
    table = _get(data, steps[:position])
    if not isinstance(table, Mapping):
        return None
    for key, value in table.items():
        trial = _put(data, steps[:position], {key: value})
        try:
            msgspec.convert(trial, kind, strict=strict)
        except msgspec.ValidationError as failure:
            return trial, str(key), str(failure)
    return None


def _get(data: Any, steps: Sequence[Step]) -> Any:
    for step in steps:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _put(data: Any, steps: Sequence[Step], value: object) -> Any:
    if not steps:
        return value
    copy: Any = dict(data) if isinstance(data, Mapping) else list(data)
    copy[steps[0]] = _put(data[steps[0]], steps[1:], value)
    return copy


def _type_at(info: mi.Type, steps: Sequence[Step]) -> mi.Type | None:
    current: mi.Type | None = info
    for step in steps:
        container = _container(current)
        if isinstance(container, mi.StructType):
            current = next((field.type for field in container.fields if field.encode_name == step), None)
        elif isinstance(container, mi.DictType):
            current = container.value_type
        elif isinstance(container, mi.ListType | mi.VarTupleType) and isinstance(step, int):
            current = container.item_type
        elif (
            isinstance(container, mi.TupleType) and isinstance(step, int) and step < len(container.item_types)
        ):
            current = container.item_types[step]
        else:
            return None
    return current


def _container(info: mi.Type | None) -> mi.Type | None:
    """The table or array inside `T | None` or `Annotated[T, …]`."""
    if isinstance(info, mi.Metadata):
        return _container(info.type)
    if isinstance(info, mi.UnionType):
        nested = [member for member in info.types if not isinstance(member, mi.NoneType)]
        return nested[0] if len(nested) == 1 else info
    return info


def _choices(info: mi.Type) -> list[str] | None:
    if isinstance(info, mi.LiteralType):
        return [str(value) for value in info.values]
    if isinstance(info, mi.EnumType):
        return [str(member.value) for member in info.cls]
    return None


def _expected(info: mi.Type) -> str:
    if isinstance(info, mi.Metadata):
        description = (info.extra_json_schema or {}).get("description")
        return str(description) if description else _expected(info.type)
    if isinstance(info, mi.UnionType):
        return " or ".join(_expected(member) for member in info.types if not isinstance(member, mi.NoneType))
    choices = _choices(info)
    if choices is not None:
        return "one of " + ", ".join(repr(choice) for choice in choices)
    if isinstance(info, mi.IntType | mi.FloatType):
        bounds = [(">", info.gt), (">=", info.ge), ("<", info.lt), ("<=", info.le)]
        limits = " and ".join(f"{sign} {_number(limit)}" for sign, limit in bounds if limit is not None)
        return f"{'int' if isinstance(info, mi.IntType) else 'float'} {limits}".rstrip()
    if isinstance(info, mi.StrType):
        text = "str" if not info.min_length else f"str of at least {info.min_length} character(s)"
        return f"{text} matching {info.pattern}" if info.pattern else text
    names: dict[type[mi.Type], str] = {
        mi.BoolType: "bool",
        mi.DateType: "a date (YYYY-MM-DD)",
        mi.StructType: "a table",
        mi.DictType: "a table",
        mi.ListType: "an array",
        mi.VarTupleType: "an array",
        mi.TupleType: "an array",
    }
    return names.get(type(info), type(info).__name__.removesuffix("Type").lower())


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: object) -> str:
    """A value as the person wrote it, short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, date):
        return value.isoformat()
    return "null" if value is None else repr(value)


def _unknown(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (known: {', '.join(known)})" if known else "unknown key"


def dotted(steps: Sequence[Step]) -> str:
    """A key path as people read it: `phone[2].imei`, `domains."com.apple.fmip".IsAssociated`."""
    text = ""
    for step in steps:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step is None:
            text += "[…]"
        else:
            name = step if _BARE_KEY.fullmatch(step) else json.dumps(step, ensure_ascii=False)
            text += f".{name}" if text else name
    return text


def _joined(at: str, key: str) -> str:
    if not (at and key):
        return at or key
    return at + key if key.startswith("[") else f"{at}.{key}"


def _lower(text: str) -> str:
    text = text.replace("`", "")
    return text[:1].lower() + text[1:]
