"""Inspections as rows for spreadsheets and inventory systems: CSV (UTF-8 with BOM, or cp932 for older
Excel), JSON and JSON Lines. Rows are written as they come (the store streams them), so an export of any
size runs in constant memory. The columns are report/schema.py's ExportRow, documented in
docs/reports.md; the CSV header is pinned by a test.

Every text cell of the CSV (the header's too: a policy names the channel columns) goes through
report/inert.py's `spreadsheet_cell`: no formula, no control character. Numbers are written as numbers
and never prefixed. JSON keeps every value exactly, with C1 and bidi controls written as escapes."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import IO, Any, Literal

import msgspec

from tenken.facts import SCHEMA_VERSION, Carrier, Fact, Outcome
from tenken.inspection import MANUAL, Inspection, Level
from tenken.report.history import cell
from tenken.report.inert import json_bytes, spreadsheet_cell
from tenken.report.labels import JST, Lang, render
from tenken.report.schema import ExportRow

Format = Literal["csv", "json", "jsonl"]
Encoding = Literal["utf-8-sig", "utf-8", "cp932"]
REPLACEMENT = "〓"  # げた: the mark Japanese printing uses for a character that cannot be set


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
        sim_lock=_state(facts.sim_locked, "locked", "unlocked"),
        sim_lock_how=_how(facts.sim_locked),
        find_my_frp=_state(facts.owner_lock, "on", "off"),
        mdm=_managed(inspection),
        battery_health_pct=float(battery) if isinstance(battery, int | float) else None,
        battery_how=_how(facts.battery_health_pct),
        verdicts={key: found.level for key, found in inspection.verdicts.items()},
        first_reason=render(first.says, lang) if first else None,
        first_reason_code=first.condition if first else None,
        certificate=certificate,
    )


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


def columns(channels: Sequence[str]) -> list[str]:
    """The CSV header: ExportRow's keys in order, `verdicts` spread into one column per channel."""
    names: list[str] = []
    for name in ExportRow.__struct_fields__:
        names.extend(channels if name == "verdicts" else [name])
    return names


def _csv_values(entry: ExportRow, channels: Sequence[str]) -> list[str]:
    values: list[str] = []
    for name in ExportRow.__struct_fields__:
        value = getattr(entry, name)
        if name == "verdicts":
            values.extend(value[channel].value if channel in value else "" for channel in channels)
        elif name == "inspected_at":
            values.append(value.isoformat())
        elif value is None:
            values.append("")
        elif isinstance(value, float):
            values.append(f"{value:g}")
        elif isinstance(value, int):
            values.append(str(value))
        else:  # text: from a phone, a person, a page or a policy, or tenken's own words and codes
            values.append(spreadsheet_cell(str(value)))
    return values


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
    channels: Sequence[str],
    encoding: Encoding,
    head: dict[str, Any],
) -> tuple[int, Replacements]:
    """Write the rows as they come; how many, and what the encoding could not hold (CSV in cp932)."""
    replaced = Replacements()
    if kind == "csv":
        count = _write_csv(rows, out, channels, encoding, replaced)
    elif kind == "jsonl":
        count = _write_lines(rows, out)
    else:
        count = _write_json(rows, out, head)
    return count, replaced


def _write_csv(
    rows: Iterable[ExportRow],
    out: IO[bytes],
    channels: Sequence[str],
    encoding: Encoding,
    replaced: Replacements,
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
        writer.writerow(_csv_values(entry, channels))
        count += 1
        if count % 256 == 0:
            out.write(replaced.encode(line.getvalue(), codec))
            line.seek(0)
            line.truncate()
    out.write(replaced.encode(line.getvalue(), codec))
    return count


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
