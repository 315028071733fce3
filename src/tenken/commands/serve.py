"""`tenken serve`: the station in a browser. Runs the station (as `tenken watch` does) and serves its page
(web/) with uvicorn; the first line printed is `serving on http://HOST:PORT`.

Safe by default: 127.0.0.1 unless --host says otherwise, and any other address only once users exist
(`tenken user add`), who then log in; without users it refuses with one line and exit 78 before anything
listens. Ctrl-C or SIGTERM stops the station (each phone's last inspection is kept), then the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, pass_app, run_async
from tenken.commands import options
from tenken.commands.options import PLATFORM_CHOICES
from tenken.errors import Exposed, InputError
from tenken.facts import Message, Platform, msg, utcnow

if TYPE_CHECKING:
    import uvicorn

    from tenken.config import Settings
    from tenken.inspection import Inspection
    from tenken.station.view import Board, Tile
    from tenken.station.watch import Plug, Station
    from tenken.store import Store
    from tenken.verdict.policy import Policy
    from tenken.web.sources import Due, Page

LOOPBACK_NAMES = ("localhost",)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to serve on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="The port (0: any free one).",
)
@options.transports("Which phones to follow.")
@options.no_lookup
@options.channel("The sales channel the board counts.")
@options.policy()
@pass_app
def serve(
    app: AppContext,
    host: str,
    port: int,
    platform: str,
    usbmux: str | None,
    adb_port: int | None,
    no_lookup: bool,
    channel: str,
    policy_path: Path | None,
) -> None:
    """Run the station and serve its page: the board (one tile per port, live), each phone in full, what
    needs the technician with the form that finishes it, search, and the re-check queue. JSON for other
    tools at /api/board and /api/queue (docs/serve.md).

    Only 127.0.0.1 is served unless --host names another address; then users must exist (`tenken user
    add NAME`) and log in. Ctrl-C (or SIGTERM) stops: each phone's last inspection is kept.
    """
    from tenken.store import open_store
    from tenken.store.users import user_names

    settings = app.settings
    loopback = _loopback(host)
    with open_store(settings) as database:
        users = user_names(database)
    if not loopback and not users:
        raise Exposed(msg("serve.needs_users", host=host))  # before anything listens
    app.use_transports(usbmux, adb_port)
    policy = app.policy_with(policy_path, channel)
    run_async(
        _serve(app, policy, channel, PLATFORM_CHOICES[platform], not no_lookup, host, port, not loopback)
    )


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


async def _serve(
    app: AppContext,
    policy: Policy,
    channel: str,
    platforms: list[Platform],
    look_up: bool,
    host: str,
    port: int,
    login: bool,
) -> None:
    import uvicorn

    from tenken.station.pipeline import Options, Pipeline
    from tenken.station.watch import Station
    from tenken.store import open_store
    from tenken.web.app import Site, create_app

    settings = app.settings
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, stop.set)
    listening = socket.create_server((host.strip("[]"), port), family=_family(host), reuse_port=False)
    with open_store(settings) as database:
        run_options = Options(policy=policy, look_up=look_up, station=settings.station.name)
        async with Pipeline(settings, run_options, database) as pipeline:
            station = Station(settings, pipeline, database, platforms)
            view = Watching(station, settings, channel, stop, app)
            site = Site(
                view,
                {
                    key: {"en": entry.title("en", short=True), "ja": entry.title("ja", short=True)}
                    for key, entry in policy.channels.items()
                },
                lang=app.lang if app.lang_option or settings.lang else "ja",
                records=StoreRecords(database, app),
                accounts=StoreAccounts(database),
                login=login,
                hosts=_hosts(host),
                os_user=_os_user(),
            )
            config = uvicorn.Config(
                create_app(site), log_level="warning", lifespan="on", timeout_graceful_shutdown=3
            )
            server = _quiet_server(config)
            running = asyncio.create_task(station.run(stop), name="station")
            serving = asyncio.create_task(server.serve(sockets=[listening]), name="page")
            bound = listening.getsockname()  # listening already: connections wait until uvicorn takes them
            shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
            click.echo(app.words(msg("serve.serving", url=f"http://{shown}:{bound[1]}")))
            try:
                await asyncio.wait(
                    {running, serving, asyncio.ensure_future(stop.wait())},
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                stop.set()
                await asyncio.gather(running, return_exceptions=True)  # every phone's last inspection kept
                server.should_exit = True  # the page's event streams ended with the station
                await asyncio.gather(serving, return_exceptions=True)
            if pipeline.store_error is not None:
                raise pipeline.store_error


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _hosts(host: str) -> list[str]:
    """The Host names the page answers: the address served, and on loopback its usual names (a page
    that answers any name on 127.0.0.1 can be reached by a web page through DNS rebinding)."""
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 (naming them, not binding)
        return ["*"]  # every address of the machine: people type any of its names (login required)
    bare = host.strip("[]")
    names = [bare, f"[{bare}]"] if ":" in bare else [bare]
    return [*names, "localhost", "127.0.0.1", "[::1]"] if _loopback(host) else names


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "technician"


def _quiet_server(config: uvicorn.Config) -> uvicorn.Server:
    """uvicorn's server without its own signal handling: `tenken serve` stops the station first, then
    the page (uvicorn's would end the page first, and raise the signal again once it had)."""
    import uvicorn

    class Quiet(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Quiet(config)


# ---------------------------------------------------------------------------------------- the station
# Until station/run.py's StationRun (issue 17) lands, the page reads the station through this adapter
# over station/watch.py's Station: the board from its plugs, changes by comparing boards, and what a person
# records kept by `tenken record` itself (run as a process) before the phone is judged again.

FINISHES = {  # a verdict condition → the `tenken record` fact that finishes it
    "battery_unknown": "battery",
    "sim_lock_unconfirmed": "sim-lock",
    "carrier_unanswered": "mark",
    "mdm_unknown": "mdm",
    "owner_lock_unknown": "owner-lock",
    "imei_unknown": "imei",
}


class Watching:
    """station.view.StationView over a running `Station`."""

    def __init__(
        self, station: Station, settings: Settings, focus: str, stop: asyncio.Event, app: AppContext
    ):
        self.station = station
        self.settings = settings
        self.focus = focus
        self.stop = stop
        self.app = app
        self.finished: dict[str, object] = {}

    def board(self) -> Board:
        from tenken.station.view import Board, Health, Task, Tile

        station = self.station
        latest: dict[str, Tile] = {}
        for plug in [*station.history, *station.plugs.values()]:  # oldest first: the newest plug wins
            ref = plug.ref
            port = self.settings.port_name(ref.usb_location) or ref.usb_location or ref.device_id
            latest[port] = Tile(
                port,
                ref.usb_location or "",
                ref.device_id,
                ref.platform,
                plug.stage.value,
                plug.seconds,
                plug.inspection,
                plug.attached,
            )
        for port in set(self.settings.ports.values()) - set(latest):
            latest[port] = Tile(port, "", "", None, "free", 0.0, None)
        tiles = [latest[port] for port in sorted(latest, key=_natural)]
        tasks = []
        for tile in tiles:
            inspection = tile.inspection
            verdict = inspection.verdicts.get(self.focus) if inspection is not None else None
            if inspection is None or verdict is None or tile.stage not in ("done", "waiting"):
                continue
            since = inspection.finished_at or inspection.started_at
            tasks += [
                Task(
                    inspection.id,
                    tile.port,
                    since,
                    reason.condition,
                    reason.action,
                    FINISHES.get(reason.condition),
                )
                for reason in verdict.reasons
                if reason.action is not None and reason.level.rank > 0
            ]
        problems: list[Message] = [
            msg("watch.transport", platform=where, problem=problem)
            for where, problem in station.problems.items()
        ]
        lookups = station.pipeline.lookups
        return Board(
            tiles,
            sorted(tasks, key=lambda task: task.since),
            Health(
                self.settings.station.name,
                problems,
                {site: count for site, count in lookups.client.queued().items() if count},
                station.kept,
            ),
            self.focus,
        )

    async def changes(self) -> AsyncIterator[Sequence[Tile]]:
        shown: dict[str, tuple[object, ...]] = {}
        while not self.stop.is_set():
            changed = []
            for tile in self.board().tiles:
                key = (tile.stage, tile.attached, tile.device_id, tile.inspection_id)
                if shown.get(tile.port) != key:
                    shown[tile.port] = key
                    changed.append(tile)
            if changed:
                yield changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), 0.2)

    async def record(
        self, inspection_id: str, fact: str, values: Sequence[str], by: str, evidence: Path | None = None
    ) -> Inspection:
        plug = self._plug(inspection_id)
        if plug is None or plug.inspection is None:
            raise LookupError(inspection_id)
        facts = plug.inspection.facts
        named = ["--imei", str(facts.imei.value)] if facts.imei.known else []
        if facts.serial.known and fact != "mark":
            named = ["--serial", str(facts.serial.value)]
        if not named:
            named = ["--serial", plug.ref.device_id, "--new"]
        args = [
            "record",
            fact,
            *values,
            *named,
            "--by",
            by,
            *(["--evidence", str(evidence)] if evidence else []),
        ]
        done = await asyncio.to_thread(_tenken, self.app, args)
        if done.returncode != 0:
            raise InputError(msg("web.refused", why=done.stderr.strip().removeprefix("tenken: ")))
        inspection = await self.station.pipeline.run(plug.ref, keep=True)
        plug.inspection = inspection
        return inspection

    def _plug(self, inspection_id: str) -> Plug | None:
        for plug in [*self.station.plugs.values(), *self.station.history]:
            if plug.inspection is not None and plug.inspection.id == inspection_id:
                return plug
        return None


def _tenken(app: AppContext, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`tenken ARGS` as its own process, with this one's --config and --db (and the same environment)."""
    command = [sys.executable, "-m", "tenken", "--lang", app.lang]
    if app.config_path is not None:
        command += ["--config", str(app.config_path)]
    if app.db:
        command += ["--db", app.db]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=600, check=False, env=os.environ.copy()
    )


def _natural(text: str) -> tuple[int, list[object]]:
    import re

    if text.startswith("0x"):
        return (0, [text])
    return (1, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)])


# ---------------------------------------------------------------------------------------- the store


@dataclass
class StoreRecords:
    """web.sources.Records over the store."""

    database: Store
    app: AppContext

    def inspection(self, inspection_id: str) -> Inspection | None:
        from tenken.inspection import inspection_from_json
        from tenken.store.records import stored_inspection

        stored = stored_inspection(self.database, inspection_id)
        return inspection_from_json(stored.data) if stored is not None else None

    def history(self, inspection: Inspection) -> Sequence[Inspection]:
        from tenken.inspection import inspection_from_json
        from tenken.store.records import inspections_of

        facts = inspection.facts
        key = facts.serial.value if facts.serial.known else facts.imei.value if facts.imei.known else None
        if not isinstance(key, str):
            return []
        return [inspection_from_json(each) for each in inspections_of(self.database, key, None)]

    def search(self, text: str) -> Sequence[Inspection]:
        from tenken.inspection import inspection_from_json
        from tenken.store.records import inspections_named

        newest: dict[str, Inspection] = {}
        for data in inspections_named(self.database, text):
            found = inspection_from_json(data)
            phone = str(found.facts.serial.value or found.facts.imei.value or found.facts.ref.device_id)
            newest.setdefault(phone, found)
        return list(newest.values())

    def page(self, inspection_id: str, record_id: str) -> Page | None:
        from tenken.store.records import stored_inspection
        from tenken.web.sources import Page

        stored = stored_inspection(self.database, inspection_id)
        for page in stored.pages if stored is not None else ():
            evidence = page.answer.evidence if page.answer is not None else None
            if page.record_id == record_id and evidence is not None:
                return Page(evidence.body, evidence.content_type, evidence.sha256)
        return None

    def due(self) -> Sequence[Due]:
        from tenken.station.recheck import STATUSES, due
        from tenken.web.sources import Due

        now = utcnow()
        found = []
        for inspection in self.database.latest_inspections(now - timedelta(days=30)):
            for asked in due(inspection, ["pending", "unknown"], now - timedelta(days=1)):
                if (
                    asked.result is not None
                    and asked.result.outcome in STATUSES["pending"] | STATUSES["unknown"]
                ):
                    found.append(
                        Due(
                            inspection.id,
                            asked.imei,
                            asked.carrier,
                            asked.result.outcome,
                            asked.result.checked_at,
                        )
                    )
        return sorted(found, key=lambda item: item.checked_at)

    async def recheck(self) -> int:
        done = await asyncio.to_thread(_tenken, self.app, ["recheck", "--json"])
        try:
            return len(json.loads(done.stdout).get("due") or [])
        except ValueError:
            return 0


@dataclass
class StoreAccounts:
    """web.sources.Accounts over the store."""

    database: Store

    def names(self) -> Sequence[str]:
        from tenken.store.users import user_names

        return user_names(self.database)

    def password_hash(self, name: str) -> str | None:
        from tenken.store.users import password_hash

        return password_hash(self.database, name)
