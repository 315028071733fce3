"""Inspections as rows for spreadsheets and inventory systems: CSV (UTF-8 with BOM, or cp932 for older
Excel), an Excel workbook (xlsx), JSON and JSON Lines. Rows are written as they come (the store streams
them; XlsxWriter's constant_memory mode writes each row out as the next begins), so an export of any size
runs in constant memory. The columns are report/schema.py's ExportRow, documented in docs/reports.md;
the CSV header is pinned by a test.

Every text cell of the CSV and of the workbook (the header's too: a policy names the channel columns)
goes through report/inert.py's `spreadsheet_cell`: no formula, no control character; the workbook writes
it as a string cell, never a formula. Numbers are written as numbers and never prefixed. JSON keeps every
value exactly, with C1 and bidi controls written as escapes."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, Literal

import msgspec

from tenken.errors import OutputError
from tenken.facts import SCHEMA_VERSION, Carrier, Fact, Message, Outcome, Via, msg
from tenken.inspection import MANUAL, Inspection, Level, battery_method, erased_state, erasure_missing
from tenken.report.history import cell
from tenken.report.inert import json_bytes, spreadsheet_cell
from tenken.report.labels import JST, Lang, render
from tenken.report.schema import ExportRow

Format = Literal["csv", "json", "jsonl", "xlsx"]
Encoding = Literal["utf-8-sig", "utf-8", "cp932"]
REPLACEMENT = "〓"  # げた: the mark Japanese printing uses for a character that cannot be set
# Identifiers: text whatever they look like (Excel reads 353915111001014 as 3.53915E+14 and 0123 as 123).
IDENTIFIERS = ("inspection_id", "stock_no", "model_number", "imei", "imei2", "serial")
# `--excel`: what starts each identifier of the CSV so that Excel keeps it as text (docs/reports.md).
EXCEL_TEXT = "\t"
LIST_JOIN = "、"  # a list in one CSV or workbook cell (NG items), as Japanese writes a list
XLSX_ROWS = 1_048_575  # a worksheet's 1 048 576 rows, less the header


def row(inspection: Inspection, certificate: str | None, channel: str, lang: Lang) -> ExportRow:
    """One inspection as a flat row; `channel` is the one whose first reason is given."""
    facts = inspection.facts
    marks = _marks(inspection)
    imei, imei2 = _text(facts.imei), _text(facts.imei2)
    verdict = inspection.verdicts.get(channel)
    first = (
        verdict.reasons[0]
        if verdict is not None and verdict.reasons and verdict.level is not Level.SELLABLE
        else None
    )
    storage = facts.storage_bytes.value if facts.storage_bytes.known else None
    battery = facts.battery_health_pct.value if facts.battery_health_pct.known else None
    return ExportRow(
        date_jst=facts.read_at.astimezone(JST).strftime("%Y-%m-%d %H:%M"),
        inspected_at=facts.read_at.astimezone(UTC),
        inspection_id=inspection.id,
        station=inspection.station,
        stock_no=inspection.stock_no or None,
        model=_text(facts.model_name) or _text(facts.model_id),
        model_number=_text(facts.part_number) or _text(facts.model_id),
        storage_gb=round(storage / 1e9) if isinstance(storage, int) else None,
        colour=_text(facts.colour),
        imei=imei,
        imei2=imei2,
        serial=_text(facts.serial),
        **{carrier.value: _mark(marks, imei, carrier, inspection.looked_up) for carrier in Carrier},
        **{
            f"{carrier.value}_imei2": _mark(marks, imei2, carrier, inspection.looked_up)
            for carrier in Carrier
        },
        **{f"{carrier.value}_via": _via(inspection, imei, carrier) for carrier in Carrier},
        sim_lock=_state(facts.sim_locked, "locked", "unlocked"),
        sim_lock_how=_how(facts.sim_locked),
        find_my_frp=_state(facts.owner_lock, "on", "off"),
        mdm=_managed(inspection),
        battery_health_pct=float(battery) if isinstance(battery, int | float) else None,
        battery_how=_how(facts.battery_health_pct),
        battery_method=battery_method(facts),  # type: ignore[arg-type]
        battery_disclosure=render(msg("trade.battery_worn_short"), lang) if _worn(inspection) else None,
        grade=_text(facts.grade),
        ng_items=[str(item) for item in facts.ng_items.value or []] if facts.ng_items.known else [],
        erased=erased_state(facts),  # type: ignore[arg-type]
        erasure_missing=erasure_missing(facts),
        erasure_checked_by=_checked_by(facts),
        verdicts={key: found.level for key, found in inspection.verdicts.items()},
        first_reason=render(first.says, lang) if first else None,
        first_reason_code=first.condition if first else None,
        certificate=certificate,
    )


def _worn(inspection: Inspection) -> bool:
    return any(
        reason.condition == "battery_worn"
        for verdict in inspection.verdicts.values()
        for reason in verdict.reasons
    )


def _checked_by(facts: Any) -> str | None:
    checks = facts.erasure_checks.value if facts.erasure_checks.known else None
    found = checks.get("checked_by") if isinstance(checks, dict) else None
    return str(found) if found else None


def _text(fact: Fact[Any]) -> str | None:
    return str(fact.value) if fact.known and fact.value not in (None, "") else None


def _marks(inspection: Inspection) -> dict[tuple[str, Carrier], Outcome | None]:
    return {(asked.imei, asked.carrier): asked.outcome for asked in inspection.asked}


def _mark(
    marks: dict[tuple[str, Carrier], Outcome | None], imei: str | None, carrier: Carrier, looked_up: bool
) -> str | None:
    if imei is None or not looked_up or (imei, carrier) not in marks:
        return None
    return cell(marks[(imei, carrier)])


def _via(inspection: Inspection, imei: str | None, carrier: Carrier) -> str | None:
    """How the answer about `imei` at `carrier` was obtained: `http`, or `browser`/`hand` and by whom."""
    for asked in inspection.asked:
        if asked.imei == imei and asked.carrier is carrier and asked.result is not None:
            by = asked.result.by
            return asked.result.via.value + (f" ({by})" if by and asked.result.via is not Via.HTTP else "")
    return None


def _state(fact: Fact[Any], yes: Any, no: Any) -> Any:
    if not fact.known:
        return "unknown"
    return yes if fact.value else no


def _how(fact: Fact[Any]) -> Any:
    if fact.source.startswith(MANUAL) and fact.known:
        return "manual"
    return fact.provenance.value


def _managed(inspection: Inspection) -> Any:
    return {True: "on", False: "off", None: "unknown"}[inspection.facts.managed()]


def layout(channels: Iterable[str]) -> list[tuple[str, str]]:
    """(ExportRow field, column) in order: `verdicts` spread into one column per channel, named by its key."""
    return [
        (name, column)
        for name in ExportRow.__struct_fields__
        for column in (channels if name == "verdicts" else [name])
    ]


def columns(channels: Iterable[str]) -> list[str]:
    """The CSV header."""
    return [column for _, column in layout(channels)]


def _cells(entry: ExportRow, channels: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(ExportRow field, value) per column; a channel's is ("verdicts", its level's code or None)."""
    for name, column in layout(channels):
        value = getattr(entry, name)
        if isinstance(value, list):  # NG items, what an erasure lacks: one cell
            yield name, LIST_JOIN.join(value) if value else None
        elif name == "verdicts":
            found = value.get(column)
            yield name, found.value if found is not None else None
        else:
            yield name, value


def _csv_values(entry: ExportRow, channels: Iterable[str], excel: bool) -> list[str]:
    values: list[str] = []
    for name, value in _cells(entry, channels):
        if name == "inspected_at":
            values.append(value.isoformat())
        elif value is None:
            values.append("")
        elif isinstance(value, float):
            values.append(f"{value:g}")
        elif isinstance(value, int):
            values.append(str(value))
        else:  # text: from a phone, a person, a page or a policy, or tenken's own words and codes
            text = spreadsheet_cell(str(value))
            values.append(EXCEL_TEXT + text if excel and name in IDENTIFIERS else text)
    return values


# The workbook's header: each column's name in the export's language (a channel: its title in the policy).
HEADINGS: dict[str, Message] = {
    "date_jst": msg("column.date_jst"),
    "inspected_at": msg("column.inspected_at"),
    "inspection_id": msg("column.inspection_id"),
    "station": msg("column.station"),
    "stock_no": msg("column.stock_no"),
    "model": msg("column.model"),
    "model_number": msg("column.model_number"),
    "storage_gb": msg("column.storage_gb"),
    "colour": msg("column.colour"),
    "imei": msg("fact.imei"),
    "imei2": msg("fact.imei2"),
    "serial": msg("fact.serial"),
    **{carrier.value: msg(f"carrier.{carrier.value}") for carrier in Carrier},
    **{f"{carrier.value}_imei2": msg("column.carrier_imei2", carrier=carrier) for carrier in Carrier},
    **{f"{carrier.value}_via": msg("column.via", carrier=carrier) for carrier in Carrier},
    "sim_lock": msg("column.sim_lock"),
    "sim_lock_how": msg("column.sim_lock_how"),
    "find_my_frp": msg("column.find_my_frp"),
    "mdm": msg("column.mdm"),
    "battery_health_pct": msg("column.battery_health_pct"),
    "battery_how": msg("column.battery_how"),
    "battery_method": msg("column.battery_method"),
    "battery_disclosure": msg("column.battery_disclosure"),
    "grade": msg("column.grade"),
    "ng_items": msg("column.ng_items"),
    "erased": msg("column.erased"),
    "erasure_missing": msg("column.erasure_missing"),
    "erasure_checked_by": msg("column.erasure_checked_by"),
    "first_reason": msg("column.first_reason"),
    "first_reason_code": msg("column.first_reason_code"),
    "certificate": msg("column.certificate"),
}


def headings(channels: Mapping[str, str], lang: Lang) -> list[str]:
    """The workbook's header row: `channels` maps each channel's key to its title in `lang`."""
    return [
        channels[column] if name == "verdicts" else render(HEADINGS[name], lang)
        for name, column in layout(channels)
    ]


@dataclass
class Replacements:
    """Characters the chosen encoding cannot hold (cp932), each written as 〓."""

    count: int = 0
    first: list[str] = field(default_factory=list)  # up to five of them, for the message

    def encode(self, text: str, encoding: str) -> bytes:
        try:
            return text.encode(encoding)
        except UnicodeEncodeError:
            pass
        parts = []
        for char in text:
            try:
                parts.append(char.encode(encoding))
            except UnicodeEncodeError:
                self.count += 1
                if len(self.first) < 5 and char not in self.first:
                    self.first.append(char)
                parts.append(REPLACEMENT.encode(encoding))
        return b"".join(parts)


def write(
    rows: Iterable[ExportRow],
    out: IO[bytes],
    kind: Format,
    *,
    channels: Mapping[str, str],
    encoding: Encoding,
    head: dict[str, Any],
    lang: Lang,
    excel: bool = False,
) -> tuple[int, Replacements]:
    """Write the rows as they come; how many, and what the encoding could not hold (CSV in cp932).
    `channels` maps each channel's key to its title in `lang` (the workbook's header); `excel` starts each
    identifier of the CSV with a tab, which Excel reads as text."""
    replaced = Replacements()
    if kind == "csv":
        count = _write_csv(rows, out, channels, encoding, replaced, excel)
    elif kind == "xlsx":
        count = _write_xlsx(rows, out, channels, lang)
    elif kind == "jsonl":
        count = _write_lines(rows, out)
    else:
        count = _write_json(rows, out, head)
    return count, replaced


def _write_csv(
    rows: Iterable[ExportRow],
    out: IO[bytes],
    channels: Iterable[str],
    encoding: Encoding,
    replaced: Replacements,
    excel: bool,
) -> int:
    """RFC 4180 with CRLF, as Excel writes it; UTF-8 with a byte-order mark unless told otherwise."""
    if encoding == "utf-8-sig":
        out.write(codecs.BOM_UTF8)
    codec = "cp932" if encoding == "cp932" else "utf-8"
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")
    count = 0
    writer.writerow([spreadsheet_cell(name) for name in columns(channels)])
    for entry in rows:
        writer.writerow(_csv_values(entry, channels, excel))
        count += 1
        if count % 256 == 0:
            out.write(replaced.encode(line.getvalue(), codec))
            line.seek(0)
            line.truncate()
    out.write(replaced.encode(line.getvalue(), codec))
    return count


def _write_xlsx(rows: Iterable[ExportRow], out: IO[bytes], channels: Mapping[str, str], lang: Lang) -> int:
    """One worksheet: the header in `lang`, bold, frozen and filtered; identifiers as text cells (their
    columns formatted as text too, so that what a person types there stays text); the time in Japan as a
    date; numbers as numbers; every other value a string cell. Each row goes to a temporary file as the
    next begins (constant memory), in a folder of its own (0700) removed at the end, whatever happens."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="tenken-xlsx-") as scratch:
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": scratch})
        sheet = book.add_worksheet(render(msg("export.sheet"), lang))
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        header = headings(channels, lang)
        for column, ((name, _), heading) in enumerate(zip(layout(channels), header, strict=True)):
            wide = sum(1 for char in heading if ord(char) >= 0x2E80)  # CJK: two columns each
            width = max(_WIDTHS.get(name, 10), min(len(heading) + wide + 2, 40))
            sheet.set_column(column, column, width, text if name in IDENTIFIERS else None)
            sheet.write_string(0, column, spreadsheet_cell(heading), bold)
        sheet.freeze_panes(1, 0)
        count = 0
        for entry in rows:
            if count == XLSX_ROWS:
                raise OutputError(
                    f"a worksheet holds {XLSX_ROWS} rows and this export has more: narrow it with --since "
                    "or --latest, or use --format csv"
                )
            count += 1
            for column, (name, value) in enumerate(_cells(entry, channels)):
                if name == "date_jst":
                    moment = entry.inspected_at.astimezone(JST).replace(tzinfo=None, second=0, microsecond=0)
                    sheet.write_datetime(count, column, moment, when)
                elif isinstance(value, datetime):
                    sheet.write_string(count, column, value.isoformat())
                elif isinstance(value, int | float):
                    sheet.write_number(count, column, value)
                elif value is not None:
                    sheet.write_string(count, column, spreadsheet_cell(str(value)))
        sheet.autofilter(0, 0, count, len(header) - 1)
        sheet.ignore_errors({"number_stored_as_text": f"A1:XFD{count + 1}"})  # IMEIs are text on purpose
        book.close()
    return count


# Columns wider than a heading needs: what they hold (characters; Japanese counts about 2).
_WIDTHS = {
    "date_jst": 16,
    "inspected_at": 32,
    "inspection_id": 34,
    "model": 18,
    "imei": 17,
    "imei2": 17,
    "serial": 14,
    "first_reason": 60,
    "certificate": 40,
}


def _write_lines(rows: Iterable[ExportRow], out: IO[bytes]) -> int:
    encoder = msgspec.json.Encoder()
    count = 0
    for entry in rows:
        out.write(json_bytes(encoder.encode(entry)) + b"\n")
        count += 1
    return count


def _write_json(rows: Iterable[ExportRow], out: IO[bytes], head: dict[str, Any]) -> int:
    """{"schema_version": …, head…, "inspections": [row, …]}, one row a line, written as they come."""
    encoder = msgspec.json.Encoder()
    document = encoder.encode({"schema_version": SCHEMA_VERSION, **head, "inspections": []})
    out.write(json_bytes(document[: -len(b"[]}")]) + b"[")
    count = 0
    for entry in rows:
        out.write((b",\n" if count else b"\n") + json_bytes(encoder.encode(entry)))
        count += 1
    out.write(b"\n]}\n" if count else b"]}\n")
    return count


def rows_of(
    stored: Iterable[tuple[dict[str, Any], str | None]], channel: str, lang: Lang
) -> Iterator[ExportRow]:
    """Rows from (inspection as stored, certificate path) pairs, one at a time."""
    from tenken.inspection import inspection_from_json

    for data, certificate in stored:
        yield row(inspection_from_json(data), certificate, channel, lang)
