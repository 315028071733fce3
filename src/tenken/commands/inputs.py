"""Reading IMEIs from files: one per line, or a CSV with an `imei` column. Bad rows are reported with
their line number and skipped, never silently dropped."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from tenken.errors import InputFileError, InvalidIdentifier
from tenken.imei import validate_imei

_DELIMITERS = ",\t;"


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str  # "file.csv:12" or "argument 3"
    text: str
    problem: str


def _read_text(path: Path) -> str:
    """UTF-8 (with or without BOM), falling back to cp932 — what Japanese Excel writes."""
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp932")
        except UnicodeDecodeError:
            raise InputFileError(f"{path} is neither UTF-8 nor Shift_JIS text") from None


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def read_imei_file(path: Path) -> tuple[list[str], list[BadRow]]:
    """(valid IMEIs in file order, bad rows). Blank lines and # comments are ignored."""
    name = "stdin" if str(path) == "-" else str(path)
    lines = _read_text(path).splitlines()
    first = next((line for line in lines if _is_content(line)), "")
    header = [cell.strip().lower() for cell in next(csv.reader([first], delimiter=_sniff(first)))]
    if any(delimiter in first for delimiter in _DELIMITERS) and "imei" not in header:
        raise InputFileError(f"{name}: looks like a CSV but has no 'imei' column (header: {first.strip()!r})")
    if "imei" in header:
        return _read_csv(lines, name, _sniff(first))
    good: list[str] = []
    bad: list[BadRow] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        _take(text, f"{name}:{number}", good, bad)
    return good, bad


def _sniff(line: str) -> str:
    return max(_DELIMITERS, key=line.count)


def _read_csv(lines: list[str], name: str, delimiter: str) -> tuple[list[str], list[BadRow]]:
    good: list[str] = []
    bad: list[BadRow] = []
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if _is_content(line)]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in numbered)), delimiter=delimiter)
    rows = list(reader)
    column = [cell.strip().lower() for cell in rows[0]].index("imei")
    for (number, _line), row in zip(numbered[1:], rows[1:], strict=False):
        where = f"{name}:{number}"
        if column >= len(row) or not row[column].strip():
            bad.append(BadRow(where, ",".join(row), "no value in the 'imei' column"))
            continue
        _take(row[column], where, good, bad)
    return good, bad


def _take(text: str, where: str, good: list[str], bad: list[BadRow]) -> None:
    try:
        good.append(validate_imei(text))
    except InvalidIdentifier as error:
        bad.append(BadRow(where, text.strip(), error.problem))
