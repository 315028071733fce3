"""`tenken serve`: the station in a browser. Runs the station (as `tenken watch` does) and serves its page
(web/) with uvicorn; the first line printed is `serving on http://HOST:PORT`.

Safe by default: 127.0.0.1 unless --host says otherwise, and any other address only once users exist
(`tenken user add`), who then log in; without users it refuses with one line and exit 78 before anything
listens. Ctrl-C or SIGTERM stops the station (each phone's last inspection is kept), then the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, pass_app, run_async
from tenken.commands import options
from tenken.commands.options import PLATFORM_CHOICES
from tenken.errors import Exposed
from tenken.facts import Platform, msg, utcnow

if TYPE_CHECKING:
    import uvicorn

    from tenken.inspection import Inspection
    from tenken.report.labels import Lang
    from tenken.station.run import StationRun
    from tenken.station.view import Fleet
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
@click.option(
    "--handoff-timeout",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    help="Seconds the assisted browser check waits for each answer (the queue page's browser button).",
)
@click.option(
    "--handoff-headless",
    is_flag=True,
    help="The assisted browser check without a window (tests and CI only: nobody can read a CAPTCHA there).",
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
    handoff_timeout: float,
    handoff_headless: bool,
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
        _serve(
            app,
            policy,
            channel,
            PLATFORM_CHOICES[platform],
            not no_lookup,
            host,
            port,
            not loopback,
            handoff=(handoff_headless, handoff_timeout),
        )
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
    *,
    handoff: tuple[bool, float] = (False, 300.0),
) -> None:
    """The station run with the page as its face: the run starts first (its signals stop it), the page
    ends last (its event streams end with the run)."""
    import uvicorn

    from tenken.station.pipeline import Options
    from tenken.station.recording import os_user
    from tenken.station.run import StationRun
    from tenken.store import open_store
    from tenken.web.app import Site, create_app

    settings = app.settings
    listening = socket.create_server((host.strip("[]"), port), family=_family(host), reuse_port=False)
    with open_store(settings) as database:
        options = Options(policy=policy, look_up=look_up, station=settings.station.name)
        run = StationRun(settings, database, options, platforms, focus=channel, signals=True)
        site = Site(
            run,
            {
                key: {"en": entry.title("en", short=True), "ja": entry.title("ja", short=True)}
                for key, entry in policy.channels.items()
            },
            lang=app.lang if app.lang_option or settings.lang else "ja",
            records=StoreRecords(database, run),
            accounts=StoreAccounts(database),
            login=login,
            hosts=_hosts(host),
            os_user=os_user(),
            fleet=database.shared,
            handoff_headless=handoff[0],
            handoff_wait=handoff[1],
            grades=tuple(settings.grade.scale),
        )
        config = uvicorn.Config(
            create_app(site), log_level="warning", lifespan="on", timeout_graceful_shutdown=3
        )
        server = _quiet_server(config)
        async with run:
            serving = asyncio.create_task(server.serve(sockets=[listening]), name="page")
            bound = listening.getsockname()  # listening already: connections wait until uvicorn takes them
            shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
            click.echo(app.words(msg("serve.serving", url=f"http://{shown}:{bound[1]}")))
            ended = asyncio.ensure_future(run.wait())
            try:
                await asyncio.wait({serving, ended}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                run.stop()  # every phone's last inspection is kept as the run ends
                ended.cancel()
        server.should_exit = True  # the page's event streams ended with the run
        await asyncio.gather(serving, return_exceptions=True)
        if run.error is not None:
            raise run.error


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


def _quiet_server(config: uvicorn.Config) -> uvicorn.Server:
    """uvicorn's server without its own signal handling: `tenken serve` stops the station first, then
    the page (uvicorn's would end the page first, and raise the signal again once it had)."""
    import uvicorn

    class Quiet(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Quiet(config)


# ---------------------------------------------------------------------------------------- the store


@dataclass
class StoreRecords:
    """web.sources.Records over the store."""

    database: Store
    run: StationRun

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
        return len(await self.run.recheck())

    async def label(self, inspection_id: str, lang: Lang) -> Page:
        import hashlib

        from tenken.station.label import size_of, write_label
        from tenken.web.sources import Page

        run = self.run
        settings = run.settings
        written = await asyncio.to_thread(
            write_label,
            settings,
            run.options.policy,
            self.database,
            inspection_id,
            None,
            size=size_of(settings.label.size),
            lang=lang,
            channel=settings.label.channel,
        )
        body = await asyncio.to_thread(written.read_bytes)
        return Page(body, "application/pdf", hashlib.sha256(body).hexdigest())

    def fleet(self, focus: str) -> Fleet | None:
        import time

        from tenken.station.fleet import fleet

        if not self.database.shared:
            return None
        return fleet(self.database, focus, utcnow(), time.time())

    async def certificate(self, inspection_id: str, by: str, pdf: bool) -> Page:
        import hashlib

        from tenken.station.certificates import issue
        from tenken.web.sources import Page

        run = self.run
        folder = run.settings.data_path / "certificates"
        written = await asyncio.to_thread(
            issue,
            run.settings,
            run.options.policy,
            self.database,
            inspection_id,
            folder,
            full_imei=False,
            pdf=pdf,
            technician=by,
        )
        body = await asyncio.to_thread(written[-1].read_bytes)
        kind = "application/pdf" if pdf else "text/html; charset=utf-8"
        return Page(body, kind, hashlib.sha256(body).hexdigest())


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
