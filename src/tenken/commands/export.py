"""`tenken export`: one row per inspection (or, with --latest, per phone) for a spreadsheet or an
inventory system (CSV, an Excel workbook, JSON, JSON Lines), streamed from the store in constant memory."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import click

from tenken.cli import AppContext, pass_app
from tenken.commands.since import parse_since
from tenken.errors import OutputError, UsageError
from tenken.facts import msg
from tenken.files import private_file

if TYPE_CHECKING:
    from tenken.report.export import Format


@click.command()
@click.option(
    "--format",
    "kind",
    type=click.Choice(["csv", "xlsx", "json", "jsonl"]),
    default="csv",
    show_default=True,
    help="xlsx: an Excel workbook (IMEIs as text, dates as dates; needs --out).",
)
@click.option(
    "--since", metavar="SPAN|DATE", help="Only inspections from then on: 7d, 12h, 2w, or a date (JST)."
)
@click.option(
    "--channel",
    default="retail",
    show_default=True,
    help="The sales channel whose first reason fills first_reason (every channel's level is exported).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="File to write (default: stdout; `-` for stdout with xlsx).",
)
@click.option(
    "--latest",
    is_flag=True,
    help="One row per phone (by serial, else IMEI): its newest inspection, as a listing wants.",
)
@click.option(
    "--excel",
    is_flag=True,
    help="CSV only: start each identifier (IMEI, serial, stock and model number, inspection id) with a "
    "tab, so that Excel keeps it as text instead of 3.53915E+14 (docs/reports.md).",
)
@click.option(
    "--encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "cp932"]),
    default="utf-8-sig",
    show_default=True,
    help="CSV only: UTF-8 with a byte-order mark opens in Excel with its Japanese intact; cp932 for older "
    "Excel (characters it cannot hold are written as 〓, and counted on stderr).",
)
@pass_app
def export(
    app: AppContext,
    kind: str,
    since: str | None,
    channel: str,
    out_path: Path | None,
    latest: bool,
    excel: bool,
    encoding: str,
) -> None:
    """Every stored inspection (oldest first; --latest: each phone's newest) as one row: date (JST), stock
    number, model, model number, storage, colour, IMEIs, serial, each carrier's mark, SIM lock and how it
    is known, Find My/FRP, MDM, battery, the verdict per channel, the first reason and the certificate
    written (docs/reports.md)."""
    from tenken.facts import msg
    from tenken.report.export import rows_of, write
    from tenken.report.labels import render
    from tenken.store import open_store
    from tenken.store.records import each_inspection

    if kind != "csv" and encoding != "utf-8-sig":
        raise UsageError(msg("error.encoding_is_for_csv"))
    if kind != "csv" and excel:
        raise UsageError(msg("error.excel_is_for_csv"))
    if kind == "xlsx" and out_path is None:
        raise UsageError(msg("error.xlsx_needs_out"))
    policy = app.policy_with(None, channel)
    start = parse_since(since) if since else None
    lang = app.lang
    head = {
        "exported_at": datetime.now(UTC).isoformat(),
        "since": start.isoformat() if start else None,
        "channel": channel,
        "lang": lang,
        "latest": latest,
    }
    with open_store(app.settings) as store, _output(out_path) as out:
        rows = rows_of(each_inspection(store, start, latest=latest), channel, lang)
        try:
            count, replaced = write(
                rows,
                out,
                cast("Format", kind),  # one of click.Choice's
                channels={key: found.title(lang) for key, found in policy.channels.items()},
                encoding="cp932" if encoding == "cp932" else "utf-8" if encoding == "utf-8" else "utf-8-sig",
                head=head,
                lang=lang,
                excel=excel,
            )
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(
                msg("error.cannot_write", file=str(out_path or "stdout"), why=error.strerror)
            ) from None
    if replaced.count:
        click.echo(
            render(msg("export.cp932_replaced", count=replaced.count, first=" ".join(replaced.first)), lang),
            err=True,
        )
    if out_path is not None and str(out_path) != "-":
        click.echo(render(msg("export.written", count=count, path=str(out_path)), lang), err=True)


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
    """Standard output, or the file: owner-only (it holds full IMEIs), in place once complete."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        with private_file(path) as file:
            yield file
    except OSError as error:
        raise OutputError(msg("error.cannot_write", file=str(path), why=error.strerror)) from None
