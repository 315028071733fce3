"""`tenken inspect`: every attached phone (or those asked for) from the phone to a verdict per channel."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands import options
from tenken.commands.options import PLATFORM_CHOICES
from tenken.errors import (
    StoreError,
)
from tenken.facts import Platform, msg
from tenken.inspection import Inspection

if TYPE_CHECKING:
    from rich.console import Console

    from tenken.report.board import PortNames
    from tenken.report.labels import Lang
    from tenken.station import Selection
    from tenken.station.pipeline import Expected, Pipeline
    from tenken.verdict.policy import Policy


@click.command()
@click.option(
    "--udid",
    "--serial",
    "-s",
    "device_ids",
    multiple=True,
    metavar="ID",
    help="Only this phone (repeatable): an iPhone's UDID or serial number, in any case, or an Android "
    "phone's adb serial. Without --udid or --port, ANDROID_SERIAL picks the Android phone, as in adb.",
)
@click.option(
    "--port",
    "ports",
    multiple=True,
    metavar="NAME|LOCATION",
    help="Only the phone on this hub port (repeatable): a name from [ports] in the configuration "
    "(A-03), or the location as shown (0x01100000, 1-4.2).",
)
@options.transports("Which phones to look for.")
@options.no_lookup
@click.option("--no-cache", is_flag=True, help="Ask the carriers even when a fresh answer is stored.")
@options.channel()
@options.policy()
@click.option("--expect", "expected", multiple=True, metavar="IMEI", help="The IMEI this phone should have.")
@click.option(
    "--intake",
    "intake",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="CSV of the phones expected (an IMEI column, optional IMEI2 and stock number): a phone matching "
    "none is flagged, and its stock number is shown.",
)
@click.option("--details", is_flag=True, help="Every phone's facts, reasons and carrier answers in full.")
@options.json_output("The inspections and any problem as one JSON object.")
@click.option(
    "--certificates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each phone's certificate (点検証明書, HTML) into this folder (see tenken certificate).",
)
@pass_app
def inspect(
    app: AppContext,
    device_ids: tuple[str, ...],
    ports: tuple[str, ...],
    platform: str,
    usbmux: str | None,
    adb_port: int | None,
    no_lookup: bool,
    no_cache: bool,
    channel: str,
    policy_path: Path | None,
    expected: tuple[str, ...],
    intake: Path | None,
    details: bool,
    as_json: bool,
    certificates: Path | None,
) -> None:
    """Read every attached phone, ask the carriers about its IMEIs, and say per sales channel whether
    it can be sold, why (not), and what would change it.

    \b
    Exit code (for --channel, default retail):
      0  every phone SELLABLE, or SELLABLE with disclosure
      1  some phone BLOCKED or PARTS_ONLY
      3  a transport (usbmuxd, the adb server), a phone's read or a carrier could not be done
      4  no phone attached, or none where --udid, --port or ANDROID_SERIAL points
      2  some phone HOLD: something needed is not known (trust, unlock, a check by hand)
    The first that applies wins, in that order; 64+ are usage and configuration errors, 74 the database.
    """
    from rich.console import Console

    from tenken import station
    from tenken.report.json_output import document
    from tenken.report.terminal import said

    settings = app.settings
    app.use_transports(usbmux, adb_port)
    policy = app.policy_with(policy_path, channel)
    platforms = PLATFORM_CHOICES[platform]
    selection = station.Selection(
        ids=device_ids,
        ports=ports,
        android_serial=os.environ.get("ANDROID_SERIAL", "") if Platform.ANDROID in platforms else "",
    )
    for port in ports:
        station.port_locations(settings, port)  # a port that is no port: a usage error before any question
    intake_list = _expected(expected, intake, app.lang)
    console = Console(stderr=as_json)

    inspections, problems, missing, store_error = run_async(
        _run(app, selection, platforms, policy, intake_list, not no_lookup, not no_cache, console, as_json)
    )
    not_looked_for = {
        where: msg("inspect.not_looked_for", platform=where, problem=problem)
        for where, problem in problems.items()
    }
    lang = app.lang
    short = not details and len(inspections) > 1  # the board: short column headings
    titles = {key: entry.title(lang, short) for key, entry in policy.channels.items()}
    if as_json:
        emit_json(
            document(
                policy=policy.reference(),
                channel=channel,
                phones=[inspection.to_json() for inspection in inspections],
                problems={where.value: message for where, message in not_looked_for.items()},
                not_attached=missing,
            )
        )
    else:
        _print(console, inspections, titles, lang, channel, details, settings.port_name)
        if not inspections and not missing:
            console.print(said(msg("inspect.no_phone"), lang))
    for message in not_looked_for.values():  # on stderr with --json: a script reads them in the JSON too
        console.print(said(message, lang, style="yellow"))
    for wanted in missing:
        console.print(said(msg("inspect.not_attached", wanted=wanted), lang, style="red"))
    if certificates is not None and store_error is None:
        _certificates(app, inspections, certificates, console)
    if store_error is not None:
        raise store_error  # after the results: they were read, judged and shown; the error says where they wait
    transport_down = bool(problems) and (bool(missing) or not selection.narrows)
    from tenken.station.outcome import exit_code

    sys.exit(exit_code(inspections, channel, missing, transport_down))


async def _run(
    app: AppContext,
    selection: Selection,
    platforms: list[Platform],
    policy: Policy,
    intake: list[Expected],
    look_up: bool,
    use_cache: bool,
    console: Console,
    as_json: bool,
) -> tuple[list[Inspection], dict[Platform, str], list[str], StoreError | None]:
    from tenken import station
    from tenken.station.pipeline import Options, Pipeline
    from tenken.store import open_store, save_inspections

    settings = app.settings
    found = await station.discover(settings, platforms)
    chosen = await station.select(found.devices, selection, settings)
    if not as_json and chosen.devices:
        console.print(app.words(msg("inspect.inspecting", count=len(chosen.devices))), style="dim")
    options = Options(
        policy=policy,
        look_up=look_up,
        use_cache=use_cache,
        station=settings.station.name,
        expected=intake,
    )
    store_error: StoreError | None = None
    database = None
    try:
        database = open_store(settings) if chosen.devices else None
    except StoreError as error:
        store_error = error  # the phones are still read and judged; the spool keeps them
    try:
        async with Pipeline(settings, options, database) as pipeline:
            inspections = await pipeline.run_all(chosen.devices)
        store_error = store_error or pipeline.health.error
        _say_distrusted(pipeline, app.lang)
        if database is None and inspections:
            try:
                save_inspections(settings, inspections)
            except StoreError as error:
                store_error = error
    finally:
        if database is not None:
            database.close()
    return inspections, found.problems, chosen.missing, store_error


def _certificates(
    app: AppContext, inspections: Sequence[Inspection], out_dir: Path, console: Console
) -> None:
    """--certificates: a certificate for each phone just inspected and stored, but for a phone whose
    identity was not read (one line each says why)."""
    from tenken.report.labels import render
    from tenken.report.terminal import outside
    from tenken.station.certificates import identified, issue
    from tenken.store import open_store

    policy = app.policy()  # the titles of the channels, as `tenken certificate` shows them
    with open_store(app.settings) as store:
        for inspection in inspections:
            if not identified(inspection):
                said = msg("cert.skipped", phone=inspection.facts.ref.device_id, state=inspection.facts.state)
                console.print(outside(render(said, app.lang)), style="yellow")
                continue
            for path in issue(
                app.settings, policy, store, inspection.id, out_dir, full_imei=False, pdf=False
            ):
                console.print(f"certificate: {path}", style="dim", markup=False, highlight=False)


def _say_distrusted(pipeline: Pipeline, lang: Lang) -> None:
    """Stored answers the look-ups did not believe (changed in the database, unsigned, another
    station's): one line each on stderr; the carrier was asked again."""
    from rich.console import Console

    from tenken.lookups.integrity import distrust
    from tenken.report.terminal import said

    err = Console(stderr=True)
    for result, checked in pipeline.lookups.distrusted:
        err.print(said(distrust(result, checked), lang, "bold red" if checked.altered else "yellow"))


def _expected(expected: tuple[str, ...], intake: Path | None, lang: Lang) -> list[Expected]:
    from tenken.commands.inputs import read_imei_file
    from tenken.imei import validate_imei
    from tenken.report.inert import visible
    from tenken.report.labels import render
    from tenken.station.pipeline import Expected

    entries = [Expected((validate_imei(imei),)) for imei in expected]
    if intake is not None:
        given = read_imei_file(intake)
        for bad in given.bad:
            click.echo(
                visible(
                    render(msg("inspect.skipped", where=bad.where, problem=bad.problem, text=bad.text), lang)
                ),
                err=True,
            )
        entries += [Expected(tuple(filter(None, (row.imei, row.imei2))), row.stock_no) for row in given.rows]
    return entries


def _print(
    console: Console,
    inspections: Sequence[Inspection],
    titles: dict[str, str],
    lang: Lang,
    channel: str,
    details: bool,
    ports: PortNames,
) -> None:
    from tenken.report.board import attention, board, inspection_details

    if details or len(inspections) == 1:
        for inspection in inspections:
            console.print(inspection_details(inspection, titles, lang, ports))
        return
    if inspections:
        console.print(board(inspections, titles, lang, channel, ports))
        needed = attention(inspections, lang, channel)
        if needed is not None:
            console.print(needed)
