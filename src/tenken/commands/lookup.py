"""`tenken lookup` (ask the carriers about IMEIs) and `tenken evidence` (prove what they said)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence, Set
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands.inputs import BadRow, read_imei_file
from tenken.config import Settings
from tenken.errors import (
    EXIT_DATA,
    EXIT_FLAGGED,
    EXIT_HOLD,
    EXIT_NOT_ASKED,
    EXIT_OK,
    InvalidIdentifier,
    OutputError,
    StoreError,
    UsageError,
)
from tenken.facts import Carrier, Evidence, ImeiReport, ImeiStatus, LookupResult
from tenken.imei import normalise, validate_imei

if TYPE_CHECKING:
    from tenken.lookups.service import LookupService

CARRIER_CHOICES = [carrier.value for carrier in Carrier] + ["all"]


def exit_code(statuses: Set[ImeiStatus], bad_rows: int) -> int:
    """1 restricted or pending, before 3 unknown, before 2 − everywhere, before 65 bad input."""
    if statuses & {ImeiStatus.RESTRICTED, ImeiStatus.PENDING}:
        return EXIT_FLAGGED
    if ImeiStatus.UNKNOWN in statuses:
        return EXIT_NOT_ASKED
    if ImeiStatus.NOT_REGISTERED in statuses:
        return EXIT_HOLD
    if bad_rows or ImeiStatus.INVALID in statuses:
        return EXIT_DATA
    return EXIT_OK


def parse_carriers(values: Sequence[str], enabled: list[Carrier]) -> list[Carrier]:
    if not values or "all" in values:
        return enabled
    return [carrier for carrier in Carrier if carrier.value in values]


@click.command()
@click.argument("imeis", nargs=-1)
@click.option(
    "--file",
    "-f",
    "file_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="IMEIs, one per line, or a CSV with an 'imei' column ('-' reads stdin).",
)
@click.option(
    "--carrier",
    "-c",
    "carriers",
    type=click.Choice(CARRIER_CHOICES),
    multiple=True,
    help="Carrier to ask (repeatable; default: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per IMEI.")
@click.option("--no-cache", is_flag=True, help="Ask the carriers even when a fresh answer is stored.")
@click.option("--spacing", type=click.FloatRange(min=0), help="Seconds between requests to one carrier site.")
@click.option(
    "--imeisv",
    is_flag=True,
    help="Accept 16-digit IMEISVs and look up the IMEI they contain (they have no check digit).",
)
@pass_app
def lookup(
    app: AppContext,
    imeis: tuple[str, ...],
    file_path: Path | None,
    carriers: tuple[str, ...],
    as_json: bool,
    no_cache: bool,
    spacing: float | None,
    imeisv: bool,
) -> None:
    """Ask docomo, au, SoftBank and Rakuten about each IMEI (ネットワーク利用制限: ○ △ × −).

    Every answer is stored with the carrier's raw page as evidence (see `tenken evidence`).

    − everywhere is neutral: the IMEI is not registered (or not yet reflected) at any carrier asked.
    That is fine for a SIM-free model and a question for a carrier's model; a look-up does not know the
    model (`tenken inspect` reads it), so it is never reported as clean.

    \b
    Exit codes (the first that applies):
      1  some IMEI restricted (×) or pending (△)
      3  some carrier could not be read (site down, CAPTCHA, changed page)
      2  some IMEI − everywhere: not established as clean without the model's carrier
      65 some input was not an IMEI (reported with its line)
      0  every IMEI registered somewhere and ○ there
      64 usage error; 66 an input file cannot be read; 74 the database failed
      (the answers are printed first); 78 a configuration error
    """
    from tenken.lookups.service import enabled_carriers
    from tenken.lookups.summary import order
    from tenken.report.json_output import document
    from tenken.report.terminal import lookup_table, problems_table, visible

    settings = app.settings
    if spacing is not None:
        settings.lookup.spacing = spacing
    console = Console(stderr=True)
    out = Console()

    wanted: list[str] = []
    bad: list[BadRow] = []
    for position, text in enumerate(imeis, start=1):
        try:
            number = validate_imei(text, allow_imeisv=imeisv)
        except InvalidIdentifier as error:
            bad.append(BadRow(f"argument {position}", text, error.problem))
            continue
        wanted.append(number)
        if normalise(text) != number:
            click.echo(f"argument {position}: IMEISV {text.strip()} looked up as IMEI {number}", err=True)
    if file_path is not None:
        given = read_imei_file(file_path, allow_imeisv=imeisv)
        source = "stdin" if str(file_path) == "-" else str(file_path)
        click.echo(visible(f"{source}: {given.columns}"), err=True)  # a file's name and header, inert
        wanted.extend(given.imeis)
        bad.extend(given.bad)
        for taken in given.rows:
            if taken.converted:
                click.echo(f"{taken.where}: IMEISV {taken.typed} looked up as IMEI {taken.imei}", err=True)
    if not wanted and not bad:
        raise UsageError("give IMEIs as arguments or with --file")
    for row in bad:
        click.echo(visible(f"skipped {row.where}: {row.problem} ({row.text!r})"), err=True)

    chosen = order(parse_carriers(carriers, enabled_carriers(settings)))
    if not chosen:
        raise UsageError("no carrier enabled: check lookup.<carrier>.enabled in the configuration")
    reports, store_error = (
        perform(settings, wanted, chosen, use_cache=not no_cache, console=console) if wanted else ([], None)
    )
    if as_json:
        emit_json(
            document(imeis=[report.to_json() for report in reports] + [_invalid_json(row) for row in bad])
        )
    else:
        out.print(lookup_table(reports, [carrier.value for carrier in chosen], app.lang, out.width))
        problems = problems_table(reports, app.lang)
        if problems is not None:
            out.print(problems)
    if store_error is not None:
        raise store_error  # after the answers: they were asked for, and are shown
    sys.exit(exit_code({report.status for report in reports}, len(bad)))


def perform(
    settings: Settings,
    imeis: Sequence[str],
    carriers: Sequence[Carrier],
    *,
    use_cache: bool,
    console: Console,
) -> tuple[list[ImeiReport], StoreError | None]:
    """Look the IMEIs up (stored as they land), with a progress bar on a terminal. The error says
    when some answers are not in the database (they are in the spool, or lost): show them anyway."""
    from tenken.lookups.service import LookupService
    from tenken.store import Store, open_store

    async def run(database: Store) -> tuple[list[ImeiReport], StoreError | None]:
        async with LookupService(settings, database, use_cache=use_cache) as service:
            if len(set(imeis)) <= 1 or not console.is_terminal:
                reports = await service.lookup_many(imeis, carriers)
            else:
                reports = await _with_progress(service, imeis, carriers, console)
        return reports, service.store_error

    with open_store(settings) as database:
        return run_async(run(database))


async def _with_progress(
    service: LookupService, imeis: Sequence[str], carriers: Sequence[Carrier], console: Console
) -> list[ImeiReport]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("looking up"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("lookup", total=len(set(imeis)))
        return await service.lookup_many(imeis, carriers, on_report=lambda _r: progress.advance(task))


def _invalid_json(row: BadRow) -> dict[str, object]:
    """A rejected input, in the same shape as a report, saying where it came from."""
    from tenken.lookups.summary import invalid

    return {**invalid(row.text, row.problem).to_json(), "input": {"where": row.where, "text": row.text}}


@click.command()
@click.argument("imei")
@click.option(
    "--carrier", "-c", type=click.Choice([carrier.value for carrier in Carrier]), help="Only this carrier."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the saved pages.",
)
@click.option(
    "--all", "save_all", is_flag=True, help="Save every stored answer, not only the newest per carrier."
)
@click.option("--no-save", is_flag=True, help="Only list; write no files.")
@click.option("--json", "as_json", is_flag=True, help="List as JSON.")
@pass_app
def evidence(
    app: AppContext,
    imei: str,
    carrier: str | None,
    out_dir: Path,
    save_all: bool,
    no_save: bool,
    as_json: bool,
) -> None:
    """List what the carriers answered about IMEI, and save their raw pages for a 赤ロム保証 claim.

    Each saved page gets a .meta.json beside it with the URL, HTTP status, time and sha256. Every stored
    page is checked against the sha256 recorded when it arrived.

    \b
    Exit codes:
      0  listed (and saved); every stored page matches its recorded sha256
      5  some stored page does not: the database was altered or damaged (flagged in the list,
         the --json and the .meta.json); everything was still listed and saved
      65 IMEI is not an IMEI; 66 nothing stored for it; 73 a file cannot be written; 74 the database failed
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tenken.errors import EvidenceAltered, NotFound
    from tenken.facts import msg
    from tenken.report.labels import label, name
    from tenken.report.terminal import outside, said
    from tenken.store import open_store

    number = validate_imei(imei)
    with open_store(app.settings) as database:
        history = database.lookup_history(number, Carrier(carrier) if carrier else None)
    if not history:
        raise NotFound(f"no stored answer for {number}; run `tenken lookup {number}` first")

    intact = [result.evidence.intact if result.evidence else None for result in history]
    saved: dict[int, Path] = {}
    if not no_save:
        newest_seen: set[Carrier] = set()
        for index, result in enumerate(history):
            if result.evidence is None or (not save_all and result.carrier in newest_seen):
                continue
            newest_seen.add(result.carrier)
            saved[index] = _save(number, result, result.evidence, intact[index] is True, out_dir)
    altered = [result for result, ok in zip(history, intact, strict=True) if ok is False]

    if as_json:
        from tenken.report.json_output import document

        emit_json(
            document(
                imei=number,
                intact=not altered,
                answers=[
                    {
                        **result.to_json(),
                        "intact": ok,
                        "saved_to": str(saved[index]) if index in saved else None,
                    }
                    for index, (result, ok) in enumerate(zip(history, intact, strict=True))
                ],
            )
        )
    else:
        table = Table(box=box.SIMPLE_HEAD, title=f"carrier answers for {number}", title_justify="left")
        for column in ("checked (UTC)", "carrier", "answer", "HTTP", "sha256", "saved to"):
            table.add_column(column, overflow="fold")
        for index, (result, ok) in enumerate(zip(history, intact, strict=True)):
            ev = result.evidence
            digest = Text(ev.sha256[:16] + "…") if ev else Text("")
            if ok is False:
                digest = Text(label("ui.evidence_altered", app.lang), style="bold red")
            table.add_row(
                result.checked_at.strftime("%Y-%m-%d %H:%M:%S"),
                result.carrier.value,
                outside(f"{result.raw_mark or ''} {name(result.outcome, app.lang)}".strip()),
                str(ev.http_status) if ev else "",
                digest,
                outside(saved.get(index, "")),
            )
        console = Console()
        console.print(table)
        if altered:
            console.print(said(msg("evidence.altered", count=len(altered)), app.lang, "bold red"))
    if altered:
        which = ", ".join(f"{result.carrier.value} {result.checked_at.isoformat()}" for result in altered)
        raise EvidenceAltered(
            f"{len(altered)} stored page(s) for {number} do not match the sha256 recorded when they arrived "
            f"({which}): the database was altered or damaged; do not use them as evidence"
        )


def _save(imei: str, result: LookupResult, evidence: Evidence, intact: bool, out_dir: Path) -> Path:
    """The raw page, byte for byte, and a .meta.json saying where and when it came from, and whether the
    page is still the one whose sha256 was recorded.

    Names sort by time (to the microsecond) and end with the answer's record id, so two answers in the
    same second never overwrite each other."""
    stamp = evidence.fetched_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    tag = result.record_id[:12] or evidence.sha256[:12]  # answers stored before record ids existed
    suffix = ".json" if "json" in evidence.content_type else ".html"
    page = out_dir / f"{imei}-{result.carrier.value}-{stamp}-{tag}{suffix}"
    meta = {"imei": imei, "carrier": result.carrier.value, **evidence.to_json(), "intact": intact}
    if not intact:
        meta["body_sha256"] = evidence.body_sha256
        meta["warning"] = "this page does not match the sha256 recorded when it arrived: it proves nothing"
    try:
        out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(page, evidence.body)
        _write_private(page.with_name(page.name + ".meta.json"), (json.dumps(meta, indent=2) + "\n").encode())
    except OSError as error:
        raise OutputError(f"cannot save the evidence in {out_dir}: {error.strerror}") from None
    return page


def _write_private(path: Path, data: bytes) -> None:
    """Owner-only, like the database: a carrier's page is about one customer's phone."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
        os.fchmod(file.fileno(), 0o600)  # a file of the same name saved before keeps its mode otherwise
        file.write(data)
