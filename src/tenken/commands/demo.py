"""`tenken demo`: the whole job on simulated phones and carrier sites, on this machine only.

It starts tenken's simulators on 127.0.0.1 — carrier checkers, an emulated usbmuxd with iPhones,
emulated Android phones behind a private adb server — inspects every phone, asks the carriers about
each IMEI read, and shows what a technician would see. Nothing is left behind: the database, pair
records and the adb server's keys live in a temporary folder, and the adb server is stopped.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tenken.cli import AppContext, pass_app
from tenken.errors import SimulatorError, StoreError
from tenken.facts import Carrier, DeviceFacts, DeviceState, Fact, ImeiReport, ImeiStatus, Outcome, Platform
from tenken.sim.ports import free_port

if TYPE_CHECKING:
    from tenken.sim.android.host import ThreadedSimHost
    from tenken.sim.android.profile import Profile as AndroidProfile
    from tenken.sim.carriers import Rules
    from tenken.sim.ios.profile import PhoneProfile
    from tenken.sim.ios.simulator import IosSimulator

# What the simulated carriers say about each bundled phone: (the carrier that sold it, its mark).
# None = registered nowhere (SIM-free). Profiles not listed get the simulator's deterministic default.
STORIES: dict[str, tuple[Carrier | None, Outcome]] = {
    "iphone13-docomo": (Carrier.DOCOMO, Outcome.OK),
    "iphone8-softbank-simlocked": (Carrier.SOFTBANK, Outcome.RESTRICTED),
    "iphone12-findmy": (Carrier.AU, Outcome.OK),
    "iphone11-supervised": (Carrier.AU, Outcome.PENDING),
    "iphone16-rakuten": (Carrier.RAKUTEN, Outcome.OK),
    "iphone14-hello": (None, Outcome.NOT_FOUND),
    "iphone15-trust": (Carrier.SOFTBANK, Outcome.OK),
    "so51c-docomo": (Carrier.DOCOMO, Outcome.OK),
    "shg14-au": (Carrier.AU, Outcome.PENDING),
    "sc51d-docomo": (Carrier.DOCOMO, Outcome.OK),
    "a002so-softbank": (Carrier.SOFTBANK, Outcome.OK),
    "pixel7-jp": (None, Outcome.NOT_FOUND),
    "sov33-au": (Carrier.AU, Outcome.RESTRICTED),
}


@click.command()
@click.option(
    "--spacing",
    type=click.FloatRange(min=0),
    default=0.05,
    show_default=True,
    help="Seconds between requests to one simulated carrier site.",
)
@click.option("--panels", is_flag=True, help="Show every phone's full fact panel, not just one.")
@pass_app
def demo(app: AppContext, spacing: float, panels: bool) -> None:
    """Run the whole job on simulated iPhones, Android phones and carrier sites (127.0.0.1 only)."""
    from tenken import config, station
    from tenken.commands.lookup import perform
    from tenken.report.terminal import device_panel, lookup_table, problems_table
    from tenken.sim.carriers import CarrierSimulator, Rules
    from tenken.store import save_inspections

    console = Console()
    console.rule("tenken demo")
    console.print("Simulated phones and carrier checkers on 127.0.0.1 — nothing leaves this machine.\n")

    with tempfile.TemporaryDirectory(prefix="tenken-demo-") as scratch, ExitStack() as stack:
        rules = Rules()
        ios_profiles, android_profiles = _profiles(rules)
        sites = stack.enter_context(CarrierSimulator(rules))
        settings = config.load(app.config_path, environ={**_own_env(), **sites.env()})
        if app.db:  # the user's database: what it cannot take waits in the user's spool, not in scratch
            settings.spool = str(settings.spool_path)
        settings.db = app.db or str(Path(scratch) / "demo.sqlite3")
        settings.data_dir = scratch
        settings.lookup.spacing = spacing
        settings.ios.pair_timeout = 10.0  # the demo's "Trust" phone is tapped after 3 s

        with console.status("starting the simulated iPhones, the adb server and the Android phones…"):
            ios_sim = stack.enter_context(_ios_simulator(ios_profiles))
            settings.ios.usbmux = ios_sim.address
            settings.android.adb_port = stack.enter_context(_adb_server(Path(scratch)))
            stack.enter_context(_android_phones(settings.android.adb_port, android_profiles))

        with console.status("inspecting every phone…"):
            found = asyncio.run(station.discover(settings, list(Platform)))
            results = asyncio.run(station.inspect_all(found.devices, settings))
        for platform, problem in found.problems.items():
            console.print(Text(f"{platform.value}: {problem}", style="yellow"))
        inspections_error: StoreError | None = None
        try:
            save_inspections(settings, results)
        except StoreError as error:
            inspections_error = error  # reported at the end, after what was read
        console.print(_devices_table(results))
        _print_actions(console, results)

        imeis = [imei for facts in results for imei in facts.imeis()]
        console.print(f"\nAsking docomo, au, SoftBank and Rakuten about {len(imeis)} IMEIs…")
        reports, store_error = perform(
            settings, imeis, list(Carrier), use_cache=False, console=Console(stderr=True)
        )
        console.print(lookup_table(reports, [carrier.value for carrier in Carrier], console.width))
        problems = problems_table(reports)
        if problems is not None:
            console.print(problems)

        shown = results if panels else [facts for facts in results if facts.state is DeviceState.READY][:1]
        if shown:
            console.print(
                "\nEvery fact says how it was obtained and where from" + ("" if panels else ", e.g.:")
            )
            for facts in shown:
                console.print(device_panel(facts))

    _print_summary(console, results, reports)
    failure = store_error or inspections_error
    if failure is not None:
        raise failure
    sys.exit(0)


def _profiles(rules: Rules) -> tuple[list[PhoneProfile], list[AndroidProfile]]:
    """Every bundled profile of both simulators, with the carriers' answers set for their IMEIs."""
    from tenken.sim.android import profile as android_profile
    from tenken.sim.ios import profile as ios_profile

    ios = {name: ios_profile.load(name) for name in ios_profile.bundled_names()}
    android = {name: android_profile.load(name) for name in android_profile.bundled_names()}
    imeis: dict[str, list[object]] = {
        **{
            name: [
                profile.values.get(f"InternationalMobileEquipmentIdentity{suffix}") for suffix in ("", "2")
            ]
            for name, profile in ios.items()
        },
        **{name: list(profile.imeis) for name, profile in android.items()},
    }
    for name, numbers in imeis.items():
        story = STORIES.get(name)
        for imei in numbers:
            if story is not None and isinstance(imei, str) and imei:
                rules.set_mark(imei, *story)
    return list(ios.values()), list(android.values())


@contextmanager
def _ios_simulator(profiles: list[PhoneProfile]) -> Iterator[IosSimulator]:
    from tenken.sim.ios.simulator import IosSimulator

    with IosSimulator(profiles) as simulator:
        yield simulator


@contextmanager
def _adb_server(scratch: Path) -> Iterator[int]:
    """A private adb server (own port, own HOME for its keys), stopped afterwards."""
    from tenken.devices.android.server import bundled_adb

    binary, port = bundled_adb(), free_port()
    home = scratch / "adb-home"
    home.mkdir()
    environ = {**os.environ, "HOME": str(home), "ANDROID_ADB_SERVER_PORT": str(port)}

    def adb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [binary, "-P", str(port), *args],
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    started = adb("start-server")
    if started.returncode != 0:
        raise SimulatorError(f"the demo's adb server did not start: {started.stderr.strip()}")
    try:
        yield port
    finally:
        adb("kill-server")


@contextmanager
def _android_phones(adb_port: int, profiles: list[AndroidProfile]) -> Iterator[ThreadedSimHost]:
    from tenken.sim.android.host import ThreadedSimHost

    host = ThreadedSimHost(adb_port)
    try:
        host.attach_many(list(profiles))
        yield host
    finally:
        host.close()


def _own_env() -> dict[str, str]:
    """The user's environment, minus what the demo points at its own simulators."""
    replaced = ("_ORIGIN", "TENKEN_IOS_USBMUX", "TENKEN_ANDROID_ADB_PORT", "TENKEN_DB", "TENKEN_DATA_DIR")
    return {key: value for key, value in os.environ.items() if not key.endswith(replaced)}


def _cell(fact: Fact[bool], yes: str = "yes", no: str = "no") -> Text:
    if not fact.known:
        return Text("unknown", style="magenta")
    text = Text(yes if fact.value else no)
    if fact.provenance.value == "inferred":
        text.append("*", style="dim")
    return text


def _locks(facts: DeviceFacts) -> Text:
    """Owner and management locks in one cell: what stops a sale outright."""
    found = []
    if facts.owner_lock.known and facts.owner_lock.value:
        found.append("owner account")
    if (facts.mdm_enrolled.known and facts.mdm_enrolled.value) or (
        facts.supervised.known and facts.supervised.value
    ):
        found.append("MDM")
    if found:
        return Text(", ".join(found), style="bold red")
    if not facts.owner_lock.known:
        return Text("unknown", style="magenta")
    return Text("none")


def _devices_table(results: list[DeviceFacts]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title="phones",
        title_justify="left",
        caption="* inferred",
        caption_justify="left",
    )
    table.add_column("port", no_wrap=True)
    table.add_column("phone")
    table.add_column("state")
    table.add_column("IMEI", no_wrap=True)
    table.add_column("locks")
    table.add_column("SIM-lock", no_wrap=True)
    for facts in results:
        model = facts.model_name.value or facts.model_id.value or facts.ref.platform.value
        table.add_row(
            Text(facts.ref.usb_location or "tcp"),
            Text(str(model)),
            Text(
                facts.state.value.replace("_", " "),
                style="green" if facts.state is DeviceState.READY else "yellow",
            ),
            Text(facts.imei.value or "") if facts.imei.known else Text("unknown", style="magenta"),
            _locks(facts),
            _cell(facts.sim_locked),
        )
    return table


def _print_actions(console: Console, results: list[DeviceFacts]) -> None:
    waiting = [facts for facts in results if facts.state is not DeviceState.READY]
    if not waiting:
        return
    console.print("What the technician is asked to do:")
    for facts in waiting:
        model = facts.model_name.value or facts.ref.device_id
        console.print(Text.assemble("  ", (f"{model}: ", "bold"), facts.action))


def _print_summary(console: Console, results: list[DeviceFacts], reports: list[ImeiReport]) -> None:
    ready = sum(facts.state is DeviceState.READY for facts in results)
    flagged = sum(report.status in (ImeiStatus.PENDING, ImeiStatus.RESTRICTED) for report in reports)
    locked = sum(bool(facts.owner_lock.known and facts.owner_lock.value) for facts in results)
    console.rule()
    console.print(
        f"{len(results)} phones: {ready} read completely, {len(results) - ready} waiting for the technician; "
        f"{locked} still tied to an owner account; {flagged} IMEIs restricted or pending at a carrier."
    )
    console.print(
        "Try: tenken sim ios / tenken sim android / tenken sim carriers, then tenken inspect and "
        "tenken lookup against them (see docs/simulators.md)."
    )
