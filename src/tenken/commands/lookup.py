"""`tenken lookup`: ask the carriers about IMEIs, one or a batch of any size (see `tenken evidence` for
what they said)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence, Set
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import click
from rich.console import Console

from tenken.cli import AppContext, pass_app, run_async
from tenken.commands import options
from tenken.commands.inputs import BadRow, imei_rows, problem_of
from tenken.config import Settings
from tenken.errors import (
    EXIT_DATA,
    EXIT_FLAGGED,
    EXIT_HOLD,
    EXIT_NOT_ASKED,
    EXIT_OK,
    InvalidIdentifier,
    StoreError,
    UsageError,
)
from tenken.facts import Carrier, ImeiReport, ImeiStatus, LookupResult, Message, msg
from tenken.imei import normalise, validate_imei

if TYPE_CHECKING:
    from tenken.lookups.integrity import Check
    from tenken.report.labels import Lang

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
@options.json_output("Print JSON: one object per IMEI, written as the batch goes (docs/json.md).")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Ask the carriers even when a fresh answer is stored (one that cannot be read does not replace it).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="An IMEI is unknown while any carrier asked could not be read, even where another registers it "
    "(default: the `lookup.strict` setting, off).",
)
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
    strict: bool,
    spacing: float | None,
    imeisv: bool,
) -> None:
    """Ask docomo, au, SoftBank and Rakuten about each IMEI (ネットワーク利用制限: ○ △ × −).

    Every answer is stored with the carrier's raw page as evidence (see `tenken evidence`).

    − everywhere is neutral: the IMEI is not registered (or not yet reflected) at any carrier asked.
    That is fine for a SIM-free model and a question for a carrier's model; a look-up does not know the
    model (`tenken inspect` reads it), so it is never reported as clean.

    ○ at one carrier is clean even when another could not be read: only the carrier that sold a phone
    registers its IMEI. The summary and the JSON (`unread`) name the carriers not read; with --strict
    such an IMEI is unknown (exit 3).

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

    settings = app.settings
    if spacing is not None:
        settings.lookup.spacing = spacing
    if strict:
        settings.lookup.strict = True
    err = Console(stderr=True)
    out = Console()

    wanted, bad = _inputs(imeis, file_path, imeisv, app.lang)
    if not wanted and not bad:
        raise UsageError(msg("error.no_imeis"))
    chosen = order(parse_carriers(carriers, enabled_carriers(settings)))
    if not chosen:
        raise UsageError(msg("error.no_carrier_enabled"))

    sink: Output
    if as_json:
        sink = JsonOutput(bad)
        bar = err if err.is_terminal and not out.is_terminal else None  # JSON on a terminal needs no bar
    else:
        from tenken.report.batch import BatchTable

        sink = BatchTable(out, [carrier.value for carrier in chosen], app.lang, len(wanted))
        bar = out if out.is_terminal else err if err.is_terminal else None  # rows print above it
    statuses, store_error, distrusted = perform(
        settings, wanted, chosen, use_cache=not no_cache, sink=sink, bar=bar if len(wanted) > 1 else None
    )
    _say_distrusted(err, distrusted, app.lang)
    if store_error is not None:
        raise store_error  # after the answers: they were asked for, and are shown
    sys.exit(exit_code(statuses, len(bad)))


SAID_REPEATS = 20  # IMEIs given twice that are named one by one; the rest are counted


def _where(where: str) -> Message | str:
    """Where an input came from, for a person: "argument 3" in their language; a file's line as it is."""
    if where.startswith("argument "):
        return msg("input.argument", position=int(where.removeprefix("argument ")))
    return where


def _inputs(
    imeis: tuple[str, ...], file_path: Path | None, imeisv: bool, lang: Lang
) -> tuple[list[str], list[BadRow]]:
    """The IMEIs to ask about, each once, in the order first given; and the inputs that are not IMEIs.
    Rows are read one at a time and what is wrong with them is said at once, with where they are."""
    from tenken.report.labels import render
    from tenken.report.terminal import visible

    def words(message: Message) -> str:
        return visible(render(message, lang))

    wanted: dict[str, None] = {}
    bad: list[BadRow] = []
    repeated = 0

    def take(imei: str, where: str, typed: str) -> None:
        nonlocal repeated
        if imei in wanted:
            repeated += 1
            if repeated <= SAID_REPEATS:
                click.echo(words(msg("lookup.repeated", where=_where(where), imei=imei)), err=True)
            return
        wanted[imei] = None
        if normalise(typed) != imei:
            click.echo(
                words(msg("lookup.imeisv_as_imei", where=_where(where), typed=typed.strip(), imei=imei)),
                err=True,
            )

    def skip(row: BadRow) -> None:
        bad.append(row)
        click.echo(
            words(msg("lookup.skipped", where=_where(row.where), problem=row.problem, text=row.text)),
            err=True,
        )

    for position, text in enumerate(imeis, start=1):
        try:
            take(validate_imei(text, allow_imeisv=imeisv), f"argument {position}", text)
        except InvalidIdentifier as error:
            skip(BadRow(f"argument {position}", text, problem_of(error)))
    if file_path is not None:
        columns, rows = imei_rows(file_path, allow_imeisv=imeisv)
        source = "stdin" if str(file_path) == "-" else str(file_path)
        click.echo(
            words(msg("input.read_as", file=source, how=columns)), err=True
        )  # a name and header, inert
        for row in rows:
            if isinstance(row, BadRow):
                skip(row)
            else:
                take(row.imei, row.where, row.typed)
    if repeated > SAID_REPEATS:
        click.echo(words(msg("lookup.more_repeated", count=repeated - SAID_REPEATS)), err=True)
    return list(wanted), bad


class Output(Protocol):
    """Where a batch's reports go as they come: printed at once, then dropped."""

    def add(self, report: ImeiReport) -> None: ...

    def close(self, *, interrupted: bool = False) -> None: ...


class JsonOutput:
    """`--json`: one document, written a report at a time (the inputs that are not IMEIs last), and
    closed with `"interrupted": true` when the batch was cut short — valid JSON either way."""

    def __init__(self, bad: list[BadRow]) -> None:
        from tenken.report.json_output import JsonStream

        self._bad = bad
        self._stream = JsonStream(partial(click.echo, nl=False), "imeis")

    def add(self, report: ImeiReport) -> None:
        self._stream.add(report.to_json())

    def close(self, *, interrupted: bool = False) -> None:
        for row in self._bad:
            self._stream.add(_invalid_json(row))
        self._stream.close(**({"interrupted": True} if interrupted else {}))


def _say_distrusted(console: Console, distrusted: Sequence[tuple[LookupResult, Check]], lang: Lang) -> None:
    """One line per stored answer the look-up did not believe (the carrier was asked again)."""
    from tenken.lookups.integrity import distrust
    from tenken.report.terminal import said

    for result, checked in distrusted:
        console.print(said(distrust(result, checked), lang, "bold red" if checked.altered else "yellow"))


def perform(
    settings: Settings,
    imeis: Sequence[str],
    carriers: Sequence[Carrier],
    *,
    use_cache: bool,
    sink: Output,
    bar: Console | None,
) -> tuple[set[ImeiStatus], StoreError | None, list[tuple[LookupResult, Check]]]:
    """Look the IMEIs up as a stream (lookups/batch.py), each report handed to `sink` as soon as it and
    every one before it are ready, and then dropped; answers are stored as they land. With `bar`, a
    progress bar on that console.

    Cut short (Ctrl-C, a failure), the reports complete by then are handed over too and the sink is
    closed as interrupted before the exception goes on up; answers that arrived are stored. The error
    returned says when some answers are not in the database (they are in the spool, or lost)."""
    from tenken.lookups.service import LookupService
    from tenken.store import Store, open_store

    statuses: set[ImeiStatus] = set()
    distrusted: list[tuple[LookupResult, Check]] = []

    async def run(database: Store, advance: Callable[[], None]) -> StoreError | None:
        def take(report: ImeiReport) -> None:
            statuses.add(report.status)
            sink.add(report)
            advance()

        async with (
            LookupService(settings, database, use_cache=use_cache) as service,
            service.batch(imeis, carriers) as batch,
        ):
            try:
                async for report in batch:
                    take(report)
            except asyncio.CancelledError:  # Ctrl-C: what is complete is shown
                for report in batch.finished():
                    take(report)
                raise
            finally:
                distrusted.extend(service.distrusted)
        return service.health.error

    if not imeis:
        sink.close()
        return statuses, None, distrusted
    try:
        with open_store(settings) as database, _progress(bar, len(imeis)) as advance:
            store_error = run_async(run(database, advance))
    except BaseException:
        sink.close(interrupted=True)
        raise
    sink.close()
    return statuses, store_error, distrusted


@contextlib.contextmanager
def _progress(console: Console | None, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on `console` (none without one), and the call that moves it on by one IMEI."""
    if console is None:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("looking up"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # stdout is not redirected to the bar's console: JSON goes to stdout as it is, the table's rows are
    # printed on the bar's own console (rich puts them above it).
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as progress:
        task = progress.add_task("lookup", total=total)
        yield lambda: progress.advance(task)


def _invalid_json(row: BadRow) -> dict[str, object]:
    """A rejected input, in the same shape as a report, saying where it came from."""
    from tenken.lookups.summary import invalid

    return {**invalid(row.text, row.problem).to_json(), "input": {"where": row.where, "text": row.text}}
