"""`tenken inspect`: read the attached phones (every one, or those asked for) and print their facts."""

from __future__ import annotations

import os
import sys

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.errors import EXIT_HOLD, EXIT_NO_PHONE, EXIT_NOT_ASKED, EXIT_OK
from tenken.facts import DeviceFacts, DeviceState, Platform, msg

PLATFORM_CHOICES = {"ios": [Platform.IOS], "android": [Platform.ANDROID], "all": list(Platform)}
READ_FAILED = frozenset({DeviceState.ERROR, DeviceState.TIMEOUT, DeviceState.UNPLUGGED})


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
@click.option(
    "--platform",
    type=click.Choice(sorted(PLATFORM_CHOICES)),
    default="all",
    show_default=True,
    help="Which phones to look for.",
)
@click.option("--usbmux", help="usbmuxd address HOST:PORT or socket path (default: the system's).")
@click.option("--adb-port", type=int, help="adb server port (default 5037).")
@click.option("--json", "as_json", is_flag=True, help="The phones and any problem as one JSON object.")
@pass_app
def inspect(
    app: AppContext,
    device_ids: tuple[str, ...],
    ports: tuple[str, ...],
    platform: str,
    usbmux: str | None,
    adb_port: int | None,
    as_json: bool,
) -> None:
    """Read every attached phone (iPhones over usbmux, Android over adb) and print what it says.

    \b
    Exit code:
      0  every phone read
      2  a phone needs the technician (trust, unlock, allow USB debugging)
      3  a transport (usbmuxd, the adb server) could not be asked, or a phone's read failed
      4  no phone attached, or none where --udid, --port or ANDROID_SERIAL points
    """
    from rich.console import Console

    from tenken import station, store
    from tenken.report.json_output import document
    from tenken.report.terminal import device_panel, said

    settings = app.settings
    if usbmux:
        settings.ios.usbmux = usbmux
    if adb_port:
        settings.android.adb_port = adb_port
    platforms = PLATFORM_CHOICES[platform]
    selection = station.Selection(
        ids=device_ids,
        ports=ports,
        android_serial=os.environ.get("ANDROID_SERIAL", "") if Platform.ANDROID in platforms else "",
    )
    for port in ports:
        station.port_locations(settings, port)  # a port that is no port: a usage error before any question

    console = Console(stderr=as_json)

    async def run() -> tuple[list[DeviceFacts], dict[Platform, str], list[str]]:
        found = await station.discover(settings, platforms)
        chosen = await station.select(found.devices, selection, settings)
        if not as_json and chosen.devices:
            console.print(f"inspecting {len(chosen.devices)} phone(s)…", style="dim")
        return await station.inspect_all(chosen.devices, settings), found.problems, chosen.missing

    results, problems, missing = run_async(run())
    not_looked_for = {
        where: msg("inspect.not_looked_for", platform=where, problem=problem)
        for where, problem in problems.items()
    }
    for message in not_looked_for.values():
        console.print(said(message, app.lang, style="yellow"))
    for wanted in missing:
        console.print(said(msg("inspect.not_attached", wanted=wanted), app.lang, style="red"))

    if results:
        database = store.open_store(settings)
        for facts in results:
            database.save_inspection(facts)

    if as_json:
        emit_json(
            document(
                phones=[facts.to_json() for facts in results],
                problems={where.value: message for where, message in not_looked_for.items()},
                not_attached=missing,
            )
        )
    else:
        for facts in results:
            console.print(device_panel(facts, app.lang, settings.port_name(facts.ref.usb_location)))
        if not results and not missing:
            console.print(said(msg("inspect.no_phone"), app.lang))

    # A transport that could not be asked matters unless every phone asked for by id or port was found.
    transport_down = bool(problems) and (bool(missing) or not selection.narrows)
    sys.exit(_exit_code(results, missing, transport_down))


def _exit_code(results: list[DeviceFacts], missing: list[str], transport_down: bool) -> int:
    """3 could not ask or read, before 4 nothing (asked for) attached, before 2 held, before 0."""
    if transport_down or any(facts.state in READ_FAILED for facts in results):
        return EXIT_NOT_ASKED
    if missing or not results:
        return EXIT_NO_PHONE
    if any(facts.state is not DeviceState.READY for facts in results):
        return EXIT_HOLD
    return EXIT_OK
