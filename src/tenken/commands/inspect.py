"""`tenken inspect`: read every attached phone and print its facts."""

from __future__ import annotations

import sys

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.errors import EXIT_HOLD, EXIT_NOT_ASKED, EXIT_OK, StoreError
from tenken.facts import DeviceFacts, DeviceState, Platform

PLATFORM_CHOICES = {"ios": [Platform.IOS], "android": [Platform.ANDROID], "all": list(Platform)}


@click.command()
@click.option("--udid", "--serial", "device_ids", multiple=True, help="Only this device (repeatable).")
@click.option(
    "--platform",
    type=click.Choice(sorted(PLATFORM_CHOICES)),
    default="all",
    show_default=True,
    help="Which phones to look for.",
)
@click.option("--usbmux", help="usbmuxd address HOST:PORT or socket path (default: the system's).")
@click.option("--adb-port", type=int, help="adb server port (default 5037).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per phone (a JSON array).")
@pass_app
def inspect(
    app: AppContext,
    device_ids: tuple[str, ...],
    platform: str,
    usbmux: str | None,
    adb_port: int | None,
    as_json: bool,
) -> None:
    """Read every attached phone (iPhones over usbmux, Android over adb) and print what it says.

    Exit code: 0 every phone read, 2 a phone needs the technician (trust, unlock, authorise),
    3 no phone found or a read failed.
    """
    from tenken import station
    from tenken.report.json_output import document
    from tenken.report.terminal import device_panel, outside
    from tenken.store import save_inspections

    settings = app.settings
    if usbmux:
        settings.ios.usbmux = usbmux
    if adb_port:
        settings.android.adb_port = adb_port

    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=as_json)

    async def run() -> tuple[list[DeviceFacts], dict[Platform, str]]:
        found = await station.discover(settings, PLATFORM_CHOICES[platform])
        refs = [ref for ref in found.devices if not device_ids or ref.device_id in device_ids]
        if not as_json and refs:
            console.print(f"inspecting {len(refs)} phone(s)…", style="dim")
        results = await station.inspect_all(refs, settings)
        return results, found.problems

    results, problems = run_async(run())
    for platform_name, problem in problems.items():
        console.print(Text.assemble((f"{platform_name.value}: ", "yellow"), outside(problem)))
    missing = [device_id for device_id in device_ids if device_id not in {r.ref.device_id for r in results}]
    for device_id in missing:
        console.print(Text.assemble(("not attached: ", "red"), outside(device_id)))

    store_error: StoreError | None = None
    if results:
        try:
            save_inspections(settings, results)
        except StoreError as error:
            store_error = error  # reported after the facts: they were read, and are shown

    if as_json:
        emit_json(
            document(
                phones=[facts.to_json() for facts in results],
                problems={platform.value: problem for platform, problem in problems.items()},
            )
        )
    else:
        for facts in results:
            console.print(device_panel(facts, app.lang))
        if not results:
            console.print(
                "No phone found. Check the cable, and that the phone is unlocked and trusts this computer."
            )
    if store_error is not None:
        raise store_error

    if not results or missing:
        sys.exit(EXIT_NOT_ASKED)
    if any(
        facts.state in (DeviceState.ERROR, DeviceState.TIMEOUT, DeviceState.UNPLUGGED) for facts in results
    ):
        sys.exit(EXIT_NOT_ASKED)
    if any(facts.state is not DeviceState.READY for facts in results):
        sys.exit(EXIT_HOLD)
    sys.exit(EXIT_OK)
