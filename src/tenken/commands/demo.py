"""`tenken demo`: the whole job on simulated phones and carrier sites, on this machine only.

It starts tenken's simulators on 127.0.0.1 — carrier checkers, an emulated usbmuxd with iPhones,
emulated Android phones behind a private adb server — and runs the same pipeline as `tenken inspect`:
every phone is read, its IMEIs looked up in a planned order, judged per sales channel, and kept. Then
the shop's second read: two phones inspected in use are erased and inspected again, and the earlier
measurement of their owner lock makes them sellable. Nothing is left behind: the database, pair
records and the adb server's keys live in a temporary folder, and the adb server is stopped.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from tenken.cli import AppContext, pass_app
from tenken.errors import StoreError
from tenken.facts import Platform, msg
from tenken.inspection import Inspection, Level, Recorded
from tenken.report.labels import Lang, label, name, render

if TYPE_CHECKING:
    from tenken.config import Settings
    from tenken.sim.android.host import ThreadedSimHost
    from tenken.sim.android.profile import Profile as AndroidProfile
    from tenken.sim.ios.profile import PhoneProfile
    from tenken.sim.ios.simulator import IosSimulator
    from tenken.station.pipeline import Options
    from tenken.store import Store
    from tenken.verdict.policy import Policy

# The shop's second read: inspected in use first, then erased (same serial, same IMEIs).
ERASED_IPHONE = "iphone13-docomo"
ERASED_ANDROID = "shg14-au"


@click.command()
@click.option(
    "--spacing",
    type=click.FloatRange(min=0),
    default=0.05,
    show_default=True,
    help="Seconds between requests to one simulated carrier site.",
)
@click.option("--details", is_flag=True, help="Show every phone in full, not just the two read twice.")
@pass_app
def demo(app: AppContext, spacing: float, details: bool) -> None:
    """Run the whole job on simulated iPhones, Android phones and carrier sites (127.0.0.1 only)."""
    from tenken import config
    from tenken.report.board import attention, board, inspection_details
    from tenken.sim.android.adb_server import PrivateAdbServer
    from tenken.sim.carriers import CarrierSimulator, Rules
    from tenken.sim.carriers.rules import bundled_rules
    from tenken.station.pipeline import Options
    from tenken.store import open_store

    lang = app.lang
    policy = app.policy()
    console = Console()
    console.rule(label("demo.title", lang))
    console.print(label("demo.intro", lang) + "\n")
    short = {key: channel.title(lang, short=True) for key, channel in policy.channels.items()}
    full = {key: channel.title(lang) for key, channel in policy.channels.items()}

    with tempfile.TemporaryDirectory(prefix="tenken-demo-") as scratch, ExitStack() as stack:
        sites = stack.enter_context(CarrierSimulator(Rules.load(bundled_rules())))
        settings = config.load(app.config_path, environ={**_own_env(), **sites.env()})
        if app.db:  # the user's database: what it cannot take waits in the user's spool, not in scratch
            settings.spool = str(settings.spool_path)
        settings.db = app.db or str(Path(scratch) / "demo.sqlite3")
        settings.data_dir = scratch
        settings.lookup.spacing = spacing
        settings.ios.pair_timeout = 10.0  # the demo's "Trust" phone is tapped after 3 s
        ios_profiles, android_profiles = _profiles()

        with console.status(label("demo.starting", lang)):
            ios_sim = stack.enter_context(_ios_simulator(ios_profiles))
            settings.ios.usbmux = ios_sim.address
            adb_server = stack.enter_context(PrivateAdbServer(home=Path(scratch) / "adb-home"))
            settings.android.adb_port = adb_server.port
            phones = stack.enter_context(_android_phones(settings.android.adb_port, android_profiles))
        database = stack.enter_context(open_store(settings))
        options = Options(policy=policy, station=settings.station.name)

        with console.status(label("demo.inspecting", lang)):
            first, store_error = asyncio.run(_inspect(settings, options, database))
        console.print(board(first, short, lang, "retail"))
        needed = attention(first, lang, "retail")
        if needed is not None:
            console.print(needed)

        console.print("\n" + label("demo.second_read", lang))
        _record_sim_lock(database, ios_profiles, lang, console)
        with console.status(label("demo.erasing", lang)):
            erased = _erase(ios_sim, phones, ios_profiles, android_profiles)
            second, later_error = asyncio.run(_inspect(settings, options, database, only=erased))
        for inspection in second:
            console.print(inspection_details(inspection, full, lang))
        if details:
            for inspection in first:
                console.print(inspection_details(inspection, full, lang))
        store_error = store_error or later_error

    _print_summary(console, [*first, *second], policy, lang)
    if store_error is not None:
        raise store_error
    sys.exit(0)


async def _inspect(
    settings: Settings, options: Options, database: Store, *, only: Sequence[str] = ()
) -> tuple[list[Inspection], StoreError | None]:
    """Every attached phone (or those in `only`, by UDID or adb serial) through the pipeline."""
    from tenken import station
    from tenken.station.pipeline import Pipeline

    found = await station.discover(settings, list(Platform))
    refs = [ref for ref in found.devices if not only or ref.device_id in only]
    async with Pipeline(settings, options, database) as pipeline:
        inspections = await pipeline.run_all(refs)
    return inspections, pipeline.store_error


def _record_sim_lock(
    database: Store, ios_profiles: Sequence[PhoneProfile], lang: Lang, console: Console
) -> None:
    """The technician reads 設定 › 一般 › 情報 › SIMロック on the iPhone before erasing it, and records it."""
    profile = next(profile for profile in ios_profiles if profile.name == ERASED_IPHONE)
    recorded = Recorded(
        fact="sim_locked",
        value=False,
        what="設定 › 一般 › 情報 › SIMロック: SIMロックなし",
        recorded_by="demo",
        serial=str(profile.values["SerialNumber"]),
        imei=str(profile.values["InternationalMobileEquipmentIdentity"]),
    )
    database.save_recorded(recorded)
    console.print(render(msg("demo.recorded", what=recorded.what), lang))


def _erase(
    ios_sim: IosSimulator,
    phones: ThreadedSimHost,
    ios_profiles: Sequence[PhoneProfile],
    android_profiles: Sequence[AndroidProfile],
) -> list[str]:
    """The shop backs the two phones up, signs out, removes the SIM and initialises them; the device ids
    they come back under."""
    from tenken.sim.android.profile import erased as erased_android
    from tenken.sim.ios.profile import erased as erased_iphone

    iphone = next(profile for profile in ios_profiles if profile.name == ERASED_IPHONE)
    ios_sim.detach(iphone.udid)
    ios_sim.attach(erased_iphone(iphone))
    android = next(profile for profile in android_profiles if profile.origin == ERASED_ANDROID)
    serial = next(serial for serial, device in phones.host.devices.items() if device.phone.profile is android)
    phones.detach(serial)
    return [iphone.udid, phones.attach(erased_android(android)).serial]


def _print_summary(console: Console, inspections: Sequence[Inspection], policy: Policy, lang: Lang) -> None:
    console.rule()
    for key, channel in policy.channels.items():
        counts = {level: 0 for level in Level}
        for inspection in inspections:
            if key in inspection.verdicts:
                counts[inspection.verdicts[key].level] += 1
        shown = ", ".join(f"{name(level, lang)} {count}" for level, count in counts.items() if count)
        console.print(f"{channel.title(lang)}: {shown}")
    console.print(label("demo.try", lang))


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
