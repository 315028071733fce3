"""Reading IMEIs from files: one per line (with `#` comments), or a CSV with an IMEI column.

Files come from Excel (UTF-8 with BOM, Shift_JIS, "Unicode text" = UTF-16), PowerShell redirects
(UTF-16 LE with BOM, CRLF) and scanners. Bad rows are reported with their line number and skipped,
never silently dropped; a file that cannot be read at all is one error naming the file.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tenken.errors import InputFileError, InvalidIdentifier
from tenken.imei import normalise, validate_imei

_DELIMITERS = ",\t;"
MAX_LINE = 4096  # an IMEI list or intake row is short; a longer line is not one (and csv would choke)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Header spellings seen in shops' sheets, after NFKC, lower case and dropping spaces, _ - ( ) and ・.
IMEI_HEADERS = frozenset({"imei", "imei1", "imei番号", "imeino", "imeinumber", "製造番号", "製造番号imei"})
IMEI2_HEADERS = frozenset({"imei2", "imei2番号", "imei2no"})
STOCK_HEADERS = frozenset({"stockno", "stock", "在庫番号", "管理番号", "商品番号"})
_HEADER_NOISE = re.compile(r"[\s_\-()（）・.:：]+")


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str  # "file.csv:12" or "argument 3"
    text: str
    problem: str


@dataclass(frozen=True, slots=True)
class Row:
    where: str
    imei: str  # validated, 15 digits
    stock_no: str = ""
    imei2: str = ""  # validated when given
    typed: str = ""  # as written in the file

    @property
    def converted(self) -> bool:
        """True when the number asked about is not the one typed (an IMEISV accepted with --imeisv)."""
        return normalise(self.typed) != self.imei


@dataclass(slots=True)
class InputFile:
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    columns: str = (
        ""  # how the file was read, for the person who gave it ("CSV, IMEI in column 2 'IMEI番号'")
    )

    @property
    def imeis(self) -> list[str]:
        return [row.imei for row in self.rows]


def read_text(path: Path) -> str:
    """The file's text: a BOM decides (UTF-8, UTF-16 LE/BE); else UTF-8, falling back to cp932."""
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}") from None
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise InputFileError(
                    f"{path} starts with a {encoding} mark but is not {encoding} text"
                ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp932")
        except UnicodeDecodeError:
            raise InputFileError(f"{path} is neither UTF-8, UTF-16 nor Shift_JIS text") from None


def header_key(cell: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", cell)).lower()


def _uncommented(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _numbered(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        yield number, line.rstrip("\r")


def read_imei_file(path: Path, *, allow_imeisv: bool = False) -> InputFile:
    """Every row of an IMEI list or CSV, validated; blank lines and `#` comments are skipped."""
    name = "stdin" if str(path) == "-" else str(path)
    lines = list(_numbered(read_text(path)))
    found = InputFile()
    content = [(number, line) for number, line in lines if _uncommented(line)]
    short = []
    for number, line in content:
        if len(line) > MAX_LINE:
            found.bad.append(BadRow(f"{name}:{number}", line[:40] + "…", f"a line of {len(line)} characters"))
        else:
            short.append((number, line))
    if not short:
        return found
    first = _uncommented(short[0][1])
    delimiter = max(_DELIMITERS, key=first.count)
    if delimiter in first:
        cells = [header_key(cell) for cell in next(csv.reader([first], delimiter=delimiter))]
        if set(cells) & IMEI_HEADERS:
            return _read_csv(short, name, delimiter, found, allow_imeisv)
        if not _looks_like_imei(cells[0]):
            raise InputFileError(
                f"{name}: looks like a CSV but has no IMEI column (header: {first!r}; "
                f"accepted names: IMEI, IMEI1, IMEI番号, 製造番号)"
            )
    found.columns = "no header: the IMEI from the first column" if delimiter in first else "one IMEI per line"
    for number, line in short:
        text = _uncommented(line)
        first_cell = re.split(f"[{re.escape(_DELIMITERS)}]", text, maxsplit=1)[0].strip()
        _take(first_cell, f"{name}:{number}", found, allow_imeisv)
    return found


def _looks_like_imei(cell: str) -> bool:
    return sum(char.isdigit() for char in unicodedata.normalize("NFKC", cell)) >= 14


def _read_csv(
    lines: list[tuple[int, str]], name: str, delimiter: str, found: InputFile, allow_imeisv: bool
) -> InputFile:
    header_number, header_line = lines[0]
    header = next(csv.reader([header_line], delimiter=delimiter))
    keys = [header_key(cell) for cell in header]
    imei_column = next(index for index, key in enumerate(keys) if key in IMEI_HEADERS)
    imei2_column = next((index for index, key in enumerate(keys) if key in IMEI2_HEADERS), None)
    stock_column = next((index for index, key in enumerate(keys) if key in STOCK_HEADERS), None)
    described = [f"IMEI in column {imei_column + 1} {header[imei_column].strip()!r}"]
    if imei2_column is not None:
        described.append(f"IMEI2 in column {imei2_column + 1} {header[imei2_column].strip()!r}")
    if stock_column is not None:
        described.append(f"stock number in column {stock_column + 1} {header[stock_column].strip()!r}")
    found.columns = "CSV, " + ", ".join(described)
    for number, line in lines[1:]:
        if number == header_number:
            continue
        row = next(csv.reader([line], delimiter=delimiter), [])
        where = f"{name}:{number}"
        value = row[imei_column].strip() if imei_column < len(row) else ""
        if not value:
            found.bad.append(BadRow(where, line.strip(), "no value in the IMEI column"))
            continue
        stock = row[stock_column].strip() if stock_column is not None and stock_column < len(row) else ""
        second = row[imei2_column].strip() if imei2_column is not None and imei2_column < len(row) else ""
        _take(value, where, found, allow_imeisv, stock_no=stock, imei2=second)
    return found


def _take(
    text: str, where: str, found: InputFile, allow_imeisv: bool, stock_no: str = "", imei2: str = ""
) -> None:
    try:
        imei = validate_imei(text, allow_imeisv=allow_imeisv)
        second = validate_imei(imei2, allow_imeisv=allow_imeisv) if imei2 else ""
    except InvalidIdentifier as error:
        found.bad.append(BadRow(where, error.text.strip(), error.problem))
        return
    found.rows.append(Row(where, imei, stock_no, second, typed=text.strip()))
