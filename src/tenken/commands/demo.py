"""`tenken demo`: the station on simulated phones and carrier sites, on this machine only.

It starts tenken's simulators on 127.0.0.1 — carrier checkers, an emulated usbmuxd, an adb server with
emulated Android phones — and runs the station (`tenken watch`) on them while phones are plugged in and
out on a schedule: clean, △, ×, SIM-locked, Find My on, an account on an Android phone, one waiting for
"Trust", one locked, one unplugged mid-read, and the shop's second read (two phones inspected in use,
then erased and plugged in again, so the earlier reading of their owner lock makes them sellable). The
live board shows every port; then the summary. It ends by itself and leaves nothing behind: the
database, pair records and the adb server's keys live in a temporary folder, and the adb server is
stopped.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from tenken.cli import AppContext, pass_app
from tenken.errors import StoreError
from tenken.facts import Platform, msg
from tenken.inspection import Inspection, Level
from tenken.report.labels import Lang, label, name, render

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tenken.config import Settings
    from tenken.sim.android.host import ThreadedSimHost
    from tenken.sim.android.profile import Profile as AndroidProfile
    from tenken.sim.ios.profile import PhoneProfile
    from tenken.sim.ios.simulator import IosSimulator
    from tenken.station.pipeline import Options
    from tenken.station.run import StationRun
    from tenken.station.view import Board
    from tenken.store import Store
    from tenken.verdict.policy import Policy

# The shop's second read: inspected in use first, then erased (same serial, same IMEIs).
ERASED_IPHONE = "iphone13-docomo"
ERASED_ANDROID = "shg14-au"
UNPLUGGED_MID_READ = "iphone14-hello"  # a second one of these, its cable pulled while it is read
# Plugged in a few at a time, as a technician fills a hub.
IPHONE_BATCHES = (
    ("iphone13-docomo", "iphone8-softbank-simlocked", "iphone12-findmy"),
    ("iphone15-trust", "iphonese3-screen-locked", "iphone11-supervised"),
    ("iphone14-hello", "iphone16-rakuten", "iphone12mini-rebooted"),
)
ANDROID_BATCHES = (
    ("shg14-au", "so51c-docomo"),
    ("sc51d-docomo", "sov33-au"),
    ("pixel7-jp", "a002so-softbank"),
)
BATCH_SECONDS = 1.0


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
    """Run the station on simulated iPhones, Android phones and carrier sites (127.0.0.1 only)."""
    from tenken import config
    from tenken.report.board import attention, inspection_details
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
        settings.watch.poll_seconds = 1.0
        settings.watch.retry_seconds = 2.0
        settings.webhook.url = ""  # the user's receiver does not hear about simulated phones
        ios_profiles, android_profiles = _profiles()

        with console.status(label("demo.starting", lang)):
            ios_sim = stack.enter_context(_ios_simulator())
            settings.ios.usbmux = ios_sim.address
            adb_server = stack.enter_context(PrivateAdbServer(home=Path(scratch) / "adb-home"))
            settings.android.adb_port = adb_server.port
            phones = stack.enter_context(_android_phones(settings.android.adb_port))
        database = stack.enter_context(open_store(settings))
        options = Options(policy=policy, station=settings.station.name)
        story = _Story(ios_sim, phones, ios_profiles, android_profiles, database, console, lang)
        kept, store_error = asyncio.run(
            _run_station(settings, options, database, story, console, lang, policy)
        )
        leaving = _last_per_phone(kept)
        sold = story.second_reads(leaving)  # the sellable one first: the example named at the end
        others = [inspection for inspection in leaving if inspection not in sold]
        certificates = _certificates(settings, policy, database, [*sold, *others])

    last = _last_per_phone(kept)
    console.print("\n" + label("demo.second_read", lang))
    for inspection in story.second_reads(last):
        console.print(inspection_details(inspection, full, lang, settings.port_name))
    if details:
        for inspection in last:
            console.print(inspection_details(inspection, full, lang, settings.port_name))
    needed = attention(last, lang, "retail")
    if needed is not None:
        console.print(needed)
    _print_summary(console, last, policy, lang)
    if certificates:
        folder = str(certificates[0].parent)
        console.print(render(msg("demo.certificates", count=len(certificates), folder=folder), lang))
        console.print(f"  {certificates[0]}", markup=False, highlight=False)
    if store_error is not None:
        raise store_error
    sys.exit(0)


async def _run_station(
    settings: Settings,
    options: Options,
    database: Store,
    story: _Story,
    console: Console,
    lang: Lang,
    policy: Policy,
) -> tuple[list[Inspection], StoreError | None]:
    """The station run on the simulators, its live board as its face, while the story plugs phones in
    and out; until the story is told and every phone has its result (or waits for a technician the demo
    does not have)."""
    from rich.live import Live

    from tenken.report.live import drawn
    from tenken.station.run import StationRun

    titles = {key: entry.title(lang, short=True) for key, entry in policy.channels.items()}
    kept: list[Inspection] = []
    async with StationRun(settings, database, options, list(Platform), on_kept=kept.append) as run:

        def draw() -> RenderableType:
            return drawn(run.board(), titles, lang, label("demo.board", lang))

        told = asyncio.Event()

        async def tell() -> None:
            try:
                await story.tell(run)
                await _until(run, _settled)
            finally:
                told.set()
                run.stop()

        telling = run.spawn(tell(), "demo-story")
        with Live(draw(), console=console, refresh_per_second=4) as live:
            while not await run.wait(0.25):
                live.update(draw())
            live.update(draw())
    console.print()
    telling.result()  # what went wrong in the story, if anything
    return kept, run.error


def _certificates(
    settings: Settings, policy: Policy, database: Store, inspections: Sequence[Inspection]
) -> list[Path]:
    """A certificate (点検証明書) for each phone as it left the station, in a folder that outlives the demo;
    none for a phone it could not identify (a locked screen: no IMEI, no serial number)."""
    from tenken.station.certificates import identified, issue

    folder = Path(tempfile.mkdtemp(prefix="tenken-demo-certificates-"))
    return [
        path
        for inspection in inspections
        if identified(inspection)
        for path in issue(settings, policy, database, inspection.id, folder, full_imei=False, pdf=False)
    ]


def _settled(board: Board) -> bool:
    """Every phone on the hub has its result, or waits for a technician the demo does not have."""
    return all(tile.stage in ("done", "waiting") for tile in board.tiles if tile.attached and tile.platform)


async def _until(run: StationRun, condition: Callable[[Board], bool], limit: float = 60.0) -> Board | None:
    """The board once `condition` holds; TimeoutError after `limit` seconds (a phone that never ends)."""
    async with asyncio.timeout(limit):
        return await run.until(condition)


def _done(board: Board, device_id: str, erased: bool = False) -> bool:
    """The phone is on the hub and its result is kept (`erased`: a result that read it erased)."""
    return any(
        tile.device_id == device_id
        and tile.attached
        and tile.stage == "done"
        and (not erased or (tile.inspection is not None and tile.inspection.facts.erased.value is True))
        for tile in board.tiles
    )


class _Story:
    """Who plugs what in, and when."""

    def __init__(
        self,
        ios_sim: IosSimulator,
        phones: ThreadedSimHost,
        ios_profiles: Sequence[PhoneProfile],
        android_profiles: Sequence[AndroidProfile],
        database: Store,
        console: Console,
        lang: Lang,
    ) -> None:
        self.ios_sim = ios_sim
        self.phones = phones
        self.ios = {profile.name: profile for profile in ios_profiles}
        self.android = {profile.origin: profile for profile in android_profiles}
        self.database = database
        self.console = console
        self.lang = lang
        self.erased_ids: list[str] = []

    async def tell(self, run: StationRun) -> None:
        for number, (iphones, androids) in enumerate(zip(IPHONE_BATCHES, ANDROID_BATCHES, strict=True)):
            if number:
                await asyncio.sleep(BATCH_SECONDS)
            await asyncio.gather(
                *(asyncio.to_thread(self.ios_sim.attach, self.ios[name]) for name in iphones),
                asyncio.to_thread(self.phones.attach_many, [self.android[name] for name in androids]),
            )
        await asyncio.to_thread(self.ios_sim.attach, _pulled_mid_read(self.ios[UNPLUGGED_MID_READ]))
        await self._second_read_iphone(run)
        await self._second_read_android(run)

    async def _second_read_iphone(self, run: StationRun) -> None:
        """Read in use (Find My measured off), SIM lock read off the screen, erased, plugged in again."""
        from tenken.sim.ios.profile import erased

        profile = self.ios[ERASED_IPHONE]
        board = await _until(run, lambda board: _done(board, profile.udid))
        await self._record_sim_lock(run, board, profile.udid)
        await asyncio.to_thread(self.ios_sim.detach, profile.udid)
        self._say(msg("demo.erasing_one", phone="iPhone 13"))
        await asyncio.sleep(BATCH_SECONDS)
        await asyncio.to_thread(self.ios_sim.attach, erased(profile))
        self.erased_ids.append(profile.udid)
        board = await _until(run, lambda board: _done(board, profile.udid, erased=True))
        await self._grade_and_check(run, board, profile.udid)

    async def _grade_and_check(self, run: StationRun, board: Board | None, udid: str) -> None:
        """What the trade writes on the erased iPhone (the RMJ guideline): its grade, and the erasure
        checked by a second person (as a face's form records them): judged again at once."""
        tiles = board.tiles if board is not None else []
        tile = next((tile for tile in tiles if tile.device_id == udid and tile.attached), None)
        if tile is None or tile.inspection_id is None:
            raise RuntimeError("the demo's iPhone left the board before it was graded")
        graded = await run.record(tile.inspection_id, "grade", ["A"], by="demo")
        checks = ["resets=2", "checked-by=demo-2", "felica=none", "jpki=none"]
        await run.record(graded.id, "erasure", checks, by="demo")
        self._say(msg("demo.graded", grade="A", checks=" ".join(checks)))

    async def _second_read_android(self, run: StationRun) -> None:
        from tenken.sim.android.profile import erased

        profile = self.android[ERASED_ANDROID]
        serial = next(
            serial for serial, device in self.phones.host.devices.items() if device.phone.profile is profile
        )
        await _until(run, lambda board: _done(board, serial))
        await asyncio.to_thread(self.phones.detach, serial)
        self._say(msg("demo.erasing_one", phone="AQUOS sense9"))
        await asyncio.sleep(BATCH_SECONDS)
        again = await asyncio.to_thread(self.phones.attach, erased(profile))
        self.erased_ids.append(again.serial)
        await _until(run, lambda board: _done(board, again.serial))

    async def _record_sim_lock(self, run: StationRun, board: Board | None, udid: str) -> None:
        """The technician reads 設定 › 一般 › 情報 › SIMロック on the iPhone before erasing it, and records it
        (as a face's form does): the phone is judged again at once."""
        tile = next(tile for tile in board.tiles if tile.device_id == udid) if board is not None else None
        if tile is None or tile.inspection_id is None:
            raise RuntimeError("the demo's iPhone left the board before its SIM lock was recorded")
        from tenken.station.recording import usual_place

        said = "SIMロックなし"
        await run.record(tile.inspection_id, "sim-lock", [said], by="demo")
        where = usual_place("sim_locked", tile.inspection.facts if tile.inspection is not None else None)
        self._say(msg("demo.recorded", what=f"{where}: {said}"))

    def _say(self, message: object) -> None:
        from tenken.facts import Message

        assert isinstance(message, Message)
        self.console.print(render(message, self.lang))

    def second_reads(self, inspections: Sequence[Inspection]) -> list[Inspection]:
        return [inspection for inspection in inspections if inspection.facts.ref.device_id in self.erased_ids]


def _pulled_mid_read(profile: PhoneProfile) -> PhoneProfile:
    """Another phone like `profile`, whose cable is pulled while tenken reads it."""
    from dataclasses import replace

    import msgspec

    other = profile.clone(1)
    return replace(other, behaviour=msgspec.structs.replace(other.behaviour, unplug_after_requests=6))


def _last_per_phone(kept: Sequence[Inspection]) -> list[Inspection]:
    """The last inspection of each phone (its serial, else its device id): how it leaves the station."""
    last: dict[str, Inspection] = {}
    for inspection in kept:
        facts = inspection.facts
        key = str(facts.serial.value) if facts.serial.known else facts.ref.device_id
        last.pop(key, None)
        last[key] = inspection
    return list(last.values())


def _print_summary(console: Console, inspections: Sequence[Inspection], policy: Policy, lang: Lang) -> None:
    from tenken.report.terminal import outside

    console.rule()
    for key, channel in policy.channels.items():
        counts = {level: 0 for level in Level}
        for inspection in inspections:
            if key in inspection.verdicts:
                counts[inspection.verdicts[key].level] += 1
        shown = ", ".join(f"{name(level, lang)} {count}" for level, count in counts.items() if count)
        console.print(outside(f"{channel.title(lang)}: {shown}"))  # a policy file's words
    console.print(label("demo.try", lang))


def _profiles() -> tuple[list[PhoneProfile], list[AndroidProfile]]:
    """Every bundled profile of both simulators."""
    from tenken.sim.android import profile as android_profile
    from tenken.sim.ios import profile as ios_profile

    ios = [ios_profile.load(profile_name) for profile_name in ios_profile.bundled_names()]
    android = [android_profile.load(profile_name) for profile_name in android_profile.bundled_names()]
    return ios, android


@contextmanager
def _ios_simulator() -> Iterator[IosSimulator]:
    from tenken.sim.ios.simulator import IosSimulator

    with IosSimulator() as simulator:
        yield simulator


@contextmanager
def _android_phones(adb_port: int) -> Iterator[ThreadedSimHost]:
    from tenken.sim.android.host import ThreadedSimHost

    host = ThreadedSimHost(adb_port)
    try:
        yield host
    finally:
        host.close()


def _own_env() -> dict[str, str]:
    """The user's environment, minus what the demo points at its own simulators."""
    replaced = ("_ORIGIN", "TENKEN_IOS_USBMUX", "TENKEN_ANDROID_ADB_PORT", "TENKEN_DB", "TENKEN_DATA_DIR")
    return {key: value for key, value in os.environ.items() if not key.endswith(replaced)}
