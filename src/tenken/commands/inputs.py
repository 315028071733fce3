"""Reading IMEIs from files: one per line (with `#` comments), or a CSV with an IMEI column.

Files come from Excel (UTF-8 with BOM, Shift_JIS, "Unicode text" = UTF-16), PowerShell redirects
(UTF-16 LE with BOM, CRLF) and scanners. Bad rows are reported with their line number and skipped,
never silently dropped; a file that cannot be read at all is one error naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tenken.devices.saved_text import BOMS
from tenken.errors import InputFileError, InvalidIdentifier
from tenken.facts import Message, msg
from tenken.imei import normalise, validate_imei

_DELIMITERS = ",\t;"
MAX_LINE = 4096  # an IMEI list or intake row is short; a longer line is not one (and csv would choke)
_PIECE = 1 << 20  # bytes read at a time
_SKIP = 1 << 16  # characters skipped at a time past an over-long line
# Header spellings seen in shops' sheets, after NFKC, lower case and dropping spaces, _ - ( ) and ・.
IMEI_HEADERS = frozenset({"imei", "imei1", "imei番号", "imeino", "imeinumber", "製造番号", "製造番号imei"})
IMEI2_HEADERS = frozenset({"imei2", "imei2番号", "imei2no"})
STOCK_HEADERS = frozenset({"stockno", "stock", "在庫番号", "管理番号", "商品番号"})
_HEADER_NOISE = re.compile(r"[\s_\-()（）・.:：]+")


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str  # "file.csv:12" or "argument 3"
    text: str
    problem: Message


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
    columns: Message | None = None  # how the file was read, for the person who gave it

    @property
    def imeis(self) -> list[str]:
        return [row.imei for row in self.rows]


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The file's lines, numbered from 1, read a piece at a time: a BOM decides the encoding (UTF-8,
    UTF-16 LE/BE); else UTF-8, falling back to cp932 (checked over the whole file first, a piece at a
    time, so a batch is never held whole). A line longer than MAX_LINE is cut at MAX_LINE + 1 characters
    (enough to say it is too long) and the rest of it skipped unread."""
    name = "stdin" if str(path) == "-" else str(path)
    try:
        source = _seekable(path)
    except OSError as error:
        raise InputFileError(msg("error.cannot_read", file=str(path), why=error.strerror)) from None
    with source:
        encoding = _encoding(source, name)
        source.seek(0)
        reader = io.TextIOWrapper(source, encoding=encoding, newline=None)  # \r\n and \r end lines too
        try:
            number = 0
            while line := reader.readline(MAX_LINE + 1):
                number += 1
                if not line.endswith("\n"):
                    while (rest := reader.readline(_SKIP)) and not rest.endswith("\n"):
                        pass  # the rest of an over-long line: read past, never held
                yield number, line.rstrip("\n")
        except UnicodeDecodeError:
            raise InputFileError(msg("error.not_text", file=name)) from None
        finally:
            reader.detach()


def _seekable(path: Path) -> IO[bytes]:
    """The file, or stdin copied to a temporary file (spilled to disk beyond a few MB; owner-only)."""
    if str(path) != "-":
        return path.open("rb")
    copy = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned open
    shutil.copyfileobj(sys.stdin.buffer, copy)
    return copy


def _encoding(source: IO[bytes], name: str) -> str:
    head = source.read(4)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            if not _decodes(source, encoding):
                raise InputFileError(msg("error.bad_bom", file=name, encoding=encoding))
            return encoding
    for encoding in ("utf-8", "cp932"):
        if _decodes(source, encoding):
            return encoding
    raise InputFileError(msg("error.not_text", file=name))


def _decodes(source: IO[bytes], encoding: str) -> bool:
    """True when the whole file is text in `encoding` (read a piece at a time)."""
    source.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while piece := source.read(_PIECE):
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def header_key(cell: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", cell)).lower()


def _uncommented(line: str) -> str:
    return line.split("#", 1)[0].strip()


def read_imei_file(path: Path, *, allow_imeisv: bool = False) -> InputFile:
    """Every row of an IMEI list or CSV, validated; blank lines and `#` comments are skipped."""
    columns, rows = imei_rows(path, allow_imeisv=allow_imeisv)
    found = InputFile(columns=columns)
    for row in rows:
        if isinstance(row, BadRow):
            found.bad.append(row)
        else:
            found.rows.append(row)
    return found


def imei_rows(path: Path, *, allow_imeisv: bool = False) -> tuple[Message | None, Iterator[Row | BadRow]]:
    """How the file is read ("CSV, IMEI in column 2 'IMEI番号'"), and its rows one at a time, good or bad,
    in file order: a batch of any size is read without holding its rows."""
    name = "stdin" if str(path) == "-" else str(path)
    lines = text_lines(path)
    too_long: list[BadRow] = []  # before the first usable line, which decides the format
    found = _first_usable(name, lines, too_long)
    if found is None:
        return None, iter(too_long)
    number, line = found
    first = _uncommented(line)
    delimiter = max(_DELIMITERS, key=first.count)
    if delimiter in first:
        header = next(csv.reader([first], delimiter=delimiter))
        if {header_key(cell) for cell in header} & IMEI_HEADERS:
            columns, rows = _csv(header, name, lines, delimiter, allow_imeisv)
            return columns, itertools.chain(too_long, rows)
        if not _looks_like_imei(header[0]):
            raise InputFileError(msg("error.no_imei_column", file=name, header=first))
    columns = msg("input.first_column") if delimiter in first else msg("input.one_per_line")
    rows = _list(name, itertools.chain([(number, line)], lines), allow_imeisv)
    return columns, itertools.chain(too_long, rows)


def _first_usable(
    name: str, lines: Iterator[tuple[int, str]], too_long: list[BadRow]
) -> tuple[int, str] | None:
    for number, line in lines:
        if not _uncommented(line):
            continue
        if len(line) <= MAX_LINE:
            return number, line
        too_long.append(_too_long(name, number, line))
    return None


def _too_long(name: str, number: int, line: str) -> BadRow:
    return BadRow(f"{name}:{number}", line[:40] + "…", msg("input.line_too_long", limit=MAX_LINE))


def _list(name: str, lines: Iterator[tuple[int, str]], allow_imeisv: bool) -> Iterator[Row | BadRow]:
    for number, line in lines:
        text = _uncommented(line)
        if not text:
            continue
        if len(line) > MAX_LINE:
            yield _too_long(name, number, line)
            continue
        first_cell = re.split(f"[{re.escape(_DELIMITERS)}]", text, maxsplit=1)[0].strip()
        yield _take(first_cell, f"{name}:{number}", allow_imeisv)


def _looks_like_imei(cell: str) -> bool:
    return sum(char.isdigit() for char in unicodedata.normalize("NFKC", cell)) >= 14


def _csv(
    header: list[str], name: str, lines: Iterator[tuple[int, str]], delimiter: str, allow_imeisv: bool
) -> tuple[Message, Iterator[Row | BadRow]]:
    keys = [header_key(cell) for cell in header]
    imei_column = next(index for index, key in enumerate(keys) if key in IMEI_HEADERS)
    imei2_column = next((index for index, key in enumerate(keys) if key in IMEI2_HEADERS), None)
    stock_column = next((index for index, key in enumerate(keys) if key in STOCK_HEADERS), None)
    described = [msg("input.column", what="IMEI", number=imei_column + 1, name=header[imei_column].strip())]
    if imei2_column is not None:
        described.append(
            msg("input.column", what="IMEI2", number=imei2_column + 1, name=header[imei2_column].strip())
        )
    if stock_column is not None:
        described.append(
            msg("input.stock_column", number=stock_column + 1, name=header[stock_column].strip())
        )

    def cell(row: list[str], column: int | None) -> str:
        return row[column].strip() if column is not None and column < len(row) else ""

    def rows() -> Iterator[Row | BadRow]:
        for number, line in lines:
            if not _uncommented(line):
                continue
            where = f"{name}:{number}"
            if len(line) > MAX_LINE:
                yield _too_long(name, number, line)
                continue
            row = next(csv.reader([line], delimiter=delimiter), [])
            value = cell(row, imei_column)
            if not value:
                yield BadRow(where, line.strip(), msg("input.no_imei_value"))
                continue
            second = cell(row, imei2_column)
            yield _take(value, where, allow_imeisv, stock_no=cell(row, stock_column), imei2=second)

    return msg("input.csv", columns=described), rows()


def _take(text: str, where: str, allow_imeisv: bool, stock_no: str = "", imei2: str = "") -> Row | BadRow:
    try:
        imei = validate_imei(text, allow_imeisv=allow_imeisv)
        second = validate_imei(imei2, allow_imeisv=allow_imeisv) if imei2 else ""
    except InvalidIdentifier as error:
        return BadRow(where, error.text.strip(), problem_of(error))
    return Row(where, imei, stock_no, second, typed=text.strip())


def problem_of(error: InvalidIdentifier) -> Message:
    """What is wrong with a typed IMEI, as a message (imei.py raises with one)."""
    if isinstance(error.problem, Message):
        return error.problem
    return msg("imei.problem.other", detail=str(error.problem))
