"""`tenken demo`: the whole job on simulated phones and carrier sites, on this machine only.

It starts tenken's simulators on 127.0.0.1 — carrier checkers, an emulated usbmuxd with iPhones,
emulated Android phones behind a private adb server — inspects every phone, asks the carriers about
each IMEI read, and shows what a technician would see. Nothing is left behind: the database, pair
records and the adb server's keys live in a temporary folder, and the adb server is stopped.
"""

from __future__ import annotations

import asyncio
import os
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
from tenken.errors import StoreError
from tenken.facts import (
    Carrier,
    DeviceFacts,
    DeviceState,
    Fact,
    ImeiReport,
    ImeiStatus,
    Platform,
    msg,
)
from tenken.report.labels import Lang, label, name, render
from tenken.report.terminal import outside, said

if TYPE_CHECKING:
    from tenken.sim.android.host import ThreadedSimHost
    from tenken.sim.android.profile import Profile as AndroidProfile
    from tenken.sim.ios.profile import PhoneProfile
    from tenken.sim.ios.simulator import IosSimulator


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
    from tenken.sim.android.adb_server import PrivateAdbServer
    from tenken.sim.carriers import CarrierSimulator, Rules
    from tenken.sim.carriers.rules import bundled_rules
    from tenken.store import save_inspections

    lang = app.lang
    console = Console()
    console.rule(label("demo.title", lang))
    console.print(label("demo.intro", lang) + "\n")

    with tempfile.TemporaryDirectory(prefix="tenken-demo-") as scratch, ExitStack() as stack:
        rules = Rules.load(bundled_rules())  # what the carriers say about each bundled phone
        ios_profiles, android_profiles = _profiles()
        sites = stack.enter_context(CarrierSimulator(rules))
        settings = config.load(app.config_path, environ={**_own_env(), **sites.env()})
        if app.db:  # the user's database: what it cannot take waits in the user's spool, not in scratch
            settings.spool = str(settings.spool_path)
        settings.db = app.db or str(Path(scratch) / "demo.sqlite3")
        settings.data_dir = scratch
        settings.lookup.spacing = spacing
        settings.ios.pair_timeout = 10.0  # the demo's "Trust" phone is tapped after 3 s

        with console.status(label("demo.starting", lang)):
            ios_sim = stack.enter_context(_ios_simulator(ios_profiles))
            settings.ios.usbmux = ios_sim.address
            adb_server = stack.enter_context(PrivateAdbServer(home=Path(scratch) / "adb-home"))
            settings.android.adb_port = adb_server.port
            stack.enter_context(_android_phones(settings.android.adb_port, android_profiles))

        with console.status(label("demo.inspecting", lang)):
            found = asyncio.run(station.discover(settings, list(Platform)))
            results = asyncio.run(station.inspect_all(found.devices, settings))
        for platform, problem in found.problems.items():
            console.print(outside(f"{platform.value}: {problem}", style="yellow"))
        inspections_error: StoreError | None = None
        try:
            save_inspections(settings, results)
        except StoreError as error:
            inspections_error = error  # reported at the end, after what was read
        console.print(_devices_table(results, lang))
        _print_actions(console, results, lang)

        imeis = [imei for facts in results for imei in facts.imeis()]
        console.print("\n" + render(msg("demo.asking", count=len(imeis)), lang))
        reports, store_error = perform(
            settings, imeis, list(Carrier), use_cache=False, console=Console(stderr=True)
        )
        console.print(lookup_table(reports, [carrier.value for carrier in Carrier], lang, console.width))
        problems = problems_table(reports, lang)
        if problems is not None:
            console.print(problems)

        shown = results if panels else [facts for facts in results if facts.state is DeviceState.READY][:1]
        if shown:
            console.print("\n" + label("demo.every_fact" if panels else "demo.every_fact_eg", lang))
            for facts in shown:
                console.print(device_panel(facts, lang))

    _print_summary(console, results, reports, lang)
    failure = store_error or inspections_error
    if failure is not None:
        raise failure
    sys.exit(0)


def _profiles() -> tuple[list[PhoneProfile], list[AndroidProfile]]:
    """Every bundled profile of both simulators."""
    from tenken.sim.android import profile as android_profile
    from tenken.sim.ios import profile as ios_profile

    ios = [ios_profile.load(profile_name) for profile_name in ios_profile.bundled_names()]
    android = [android_profile.load(profile_name) for profile_name in android_profile.bundled_names()]
    return ios, android


@contextmanager
def _ios_simulator(profiles: list[PhoneProfile]) -> Iterator[IosSimulator]:
    from tenken.sim.ios.simulator import IosSimulator

    with IosSimulator(profiles) as simulator:
        yield simulator


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


def _cell(fact: Fact[bool], lang: Lang) -> Text:
    if not fact.known:
        return Text(label("value.unknown", lang), style="magenta")
    text = Text(label("value.yes" if fact.value else "value.no", lang))
    if fact.provenance.value == "inferred":
        text.append("*", style="dim")
    return text


def _locks(facts: DeviceFacts, lang: Lang) -> Text:
    """Owner and management locks in one cell: what stops a sale outright."""
    found = []
    if facts.owner_lock.known and facts.owner_lock.value:
        found.append(label("demo.owner_account", lang))
    if (facts.mdm_enrolled.known and facts.mdm_enrolled.value) or (
        facts.supervised.known and facts.supervised.value
    ):
        found.append("MDM")
    if found:
        return Text(", ".join(found), style="bold red")
    if not facts.owner_lock.known:
        return Text(label("value.unknown", lang), style="magenta")
    return Text(label("value.none", lang))


def _devices_table(results: list[DeviceFacts], lang: Lang) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title=label("demo.phones", lang),
        title_justify="left",
        caption=label("demo.inferred_mark", lang),
        caption_justify="left",
    )
    for heading in ("demo.port", "demo.phone", "demo.state", "fact.imei", "demo.locks", "fact.sim_locked"):
        table.add_column(label(heading, lang), no_wrap=heading in ("demo.port", "fact.imei"))
    for facts in results:
        model = facts.model_name.value or facts.model_id.value or name(facts.ref.platform, lang)
        table.add_row(
            outside(facts.ref.usb_location or "tcp"),
            outside(model),
            Text(name(facts.state, lang), style="green" if facts.state is DeviceState.READY else "yellow"),
            outside(facts.imei.value or "")
            if facts.imei.known
            else Text(label("value.unknown", lang), style="magenta"),
            _locks(facts, lang),
            _cell(facts.sim_locked, lang),
        )
    return table


def _print_actions(console: Console, results: list[DeviceFacts], lang: Lang) -> None:
    waiting = [facts for facts in results if facts.state is not DeviceState.READY]
    if not waiting:
        return
    console.print(label("demo.asked_to_do", lang))
    for facts in waiting:
        model = facts.model_name.value or facts.ref.device_id
        console.print(Text.assemble("  ", outside(f"{model}: ", style="bold"), said(facts.action, lang)))


def _print_summary(
    console: Console, results: list[DeviceFacts], reports: list[ImeiReport], lang: Lang
) -> None:
    ready = sum(facts.state is DeviceState.READY for facts in results)
    flagged = sum(report.status in (ImeiStatus.PENDING, ImeiStatus.RESTRICTED) for report in reports)
    locked = sum(bool(facts.owner_lock.known and facts.owner_lock.value) for facts in results)
    console.rule()
    summary = msg(
        "demo.summary",
        phones=len(results),
        ready=ready,
        waiting=len(results) - ready,
        locked=locked,
        flagged=flagged,
    )
    console.print(render(summary, lang))
    console.print(label("demo.try", lang))
