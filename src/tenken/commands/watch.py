"""`tenken watch`: the bulk station. Follows phones plugged in and out all day, inspects each once per
plug, shows a live board per hub port, stores every result and sends it to the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands import options
from tenken.commands.options import PLATFORM_CHOICES
from tenken.errors import EXIT_OK, UsageError
from tenken.facts import Platform, msg

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from tenken.config import Settings
    from tenken.inspection import Inspection
    from tenken.report.labels import Lang
    from tenken.report.live import PortRow
    from tenken.station.pipeline import Pipeline
    from tenken.station.watch import Station
    from tenken.station.webhooks import Sender
    from tenken.store import Store
    from tenken.verdict.policy import Policy


@click.command()
@click.option(
    "--once",
    is_flag=True,
    help="Inspect the phones attached now, wait until each has its result (or --timeout), and exit with "
    "the verdict's exit code.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="With --once: stop waiting after this many seconds (a phone still waiting for Trust or unlock "
    "is then kept as HOLD).",
)
@options.transports("Which phones to follow.")
@options.no_lookup
@options.channel("The sales channel the board and exit code focus on.")
@options.policy()
@options.json_output("With --once: every result as one JSON object at the end.")
@click.option(
    "--jsonl",
    is_flag=True,
    help="One JSON line per stored inspection, as it is stored (the webhook's body); the board goes to stderr.",
)
@pass_app
def watch(
    app: AppContext,
    once: bool,
    timeout: float,
    platform: str,
    usbmux: str | None,
    adb_port: int | None,
    no_lookup: bool,
    channel: str,
    policy_path: Path | None,
    as_json: bool,
    jsonl: bool,
) -> None:
    """Follow phones plugged in and out (iPhones through usbmuxd, Android phones through adb), inspect
    each once per plug, and show a board with a row per hub port. Every result is stored, and sent to
    `webhook.url` when one is set. Ctrl-C (or SIGTERM) stops: each phone's last inspection is kept.

    \b
    Exit code: 0 when stopped. With --once, as `tenken inspect`:
      0 sellable, 1 blocked or parts, 3 could not read or ask, 4 no phone, 2 hold.
    """
    from rich.console import Console

    if as_json and not once:
        raise UsageError(msg("error.json_needs_once"))
    settings = app.settings
    app.use_transports(usbmux, adb_port)
    policy = app.policy_with(policy_path, channel)
    console = Console(stderr=as_json or jsonl)
    run = _Run(app, settings, policy, channel, console, jsonl=jsonl, quiet=as_json)
    kept, problems = run_async(
        run.watch(PLATFORM_CHOICES[platform], look_up=not no_lookup, once=once, give_up_after=timeout)
    )
    if as_json:
        from tenken.report.json_output import document

        emit_json(
            document(
                policy=policy.reference(),
                channel=channel,
                phones=[inspection.to_json() for inspection in kept],
                problems={
                    where.value: msg("inspect.not_looked_for", platform=where, problem=problem)
                    for where, problem in problems.items()
                },
            )
        )
    if run.store_error is not None:
        raise run.store_error
    from tenken.station.outcome import exit_code

    sys.exit(exit_code(kept, channel, [], bool(problems)) if once else EXIT_OK)


class _Run:
    """One `tenken watch`: the station, the webhook sender and the board, until stopped."""

    def __init__(
        self,
        app: AppContext,
        settings: Settings,
        policy: Policy,
        channel: str,
        console: Console,
        *,
        jsonl: bool,
        quiet: bool,
    ) -> None:
        self.app = app
        self.settings = settings
        self.policy = policy
        self.channel = channel
        self.console = console
        self.jsonl: TextIO | None = sys.stdout if jsonl else None
        self.quiet = quiet
        self.kept: list[Inspection] = []
        self.store_error: Exception | None = None

    async def watch(
        self, platforms: list[Platform], *, look_up: bool, once: bool, give_up_after: float
    ) -> tuple[list[Inspection], dict[Platform, str]]:
        from tenken.station.pipeline import Options, Pipeline
        from tenken.station.watch import Station
        from tenken.station.webhooks import Sender
        from tenken.store import open_store

        settings = self.settings
        stop = asyncio.Event()
        _stop_on_signals(stop)
        with open_store(settings) as database:
            options = Options(policy=self.policy, look_up=look_up, station=settings.station.name)
            async with Pipeline(settings, options, database) as pipeline:
                station = Station(
                    settings,
                    pipeline,
                    database,
                    platforms,
                    on_finished=self._finished,
                    webhooks=bool(settings.webhook.url),
                )
                sender = (
                    Sender(settings.webhook, database, settings.station.name)
                    if settings.webhook.url
                    else None
                )
                tasks = [asyncio.create_task(station.run(stop, once=once))]
                if sender is not None:
                    tasks.append(asyncio.create_task(sender.run(stop)))
                if once:
                    tasks.append(asyncio.create_task(_stop_after(stop, give_up_after)))
                try:
                    await self._show(station, pipeline, sender, database, tasks[0])
                finally:
                    stop.set()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    if sender is not None:
                        await sender.aclose()
                self.store_error = pipeline.store_error
                problems = dict(station.problems)
        if not self.quiet and not self.jsonl:
            from tenken.report.labels import render

            self.console.print(render(msg("watch.summary", kept=station.kept), self.app.lang))
        return self.kept, problems

    def _finished(self, inspection: Inspection) -> None:
        self.kept.append(inspection)
        if self.jsonl is not None:
            from tenken.report.inert import json_text
            from tenken.station.webhooks import finished

            self.jsonl.write(json_text(finished(inspection).body) + "\n")  # the body's values, inert
            self.jsonl.flush()

    async def _show(
        self,
        station: Station,
        pipeline: Pipeline,
        sender: Sender | None,
        database: Store,
        running: asyncio.Task[None],
    ) -> None:
        """The live board until the station stops (nothing when the board has nowhere to go)."""
        if self.quiet or not self.console.is_terminal:
            await asyncio.wait({running})
            return
        from rich.live import Live

        draw = board_drawer(
            self.app.lang, self.policy, self.channel, self.settings, station, pipeline, sender
        )
        with Live(draw(), console=self.console, refresh_per_second=4, transient=False) as live:
            while not running.done():
                await asyncio.wait({running}, timeout=0.25)
                live.update(draw())


def board_drawer(
    lang: Lang,
    policy: Policy,
    channel: str,
    settings: Settings,
    station: Station,
    pipeline: Pipeline,
    sender: Sender | None,
    title: str = "",
) -> Callable[[], RenderableType]:
    """What the live board shows now (called a few times a second)."""
    from rich.console import Group
    from rich.text import Text

    from tenken.report.labels import label, render
    from tenken.report.live import Footer, live_board

    titles = {key: entry.title(lang, short=True) for key, entry in policy.channels.items()}

    def draw() -> RenderableType:
        problems = [
            render(msg("watch.transport", platform=where, problem=problem), lang)
            for where, problem in station.problems.items()
        ]
        if pipeline.store_error is not None:
            problems.append(str(pipeline.store_error))
        if station.store is not None and station.store.spool_stays is not None:
            problems.append(render(station.store.spool_stays, lang))
        if sender is not None and sender.problem is not None:
            problems.append(render(sender.problem, lang))
        footer = Footer(
            station=settings.station.name,
            queued={site: count for site, count in pipeline.lookups.client.queued().items() if count},
            problems=problems,
            kept=station.kept,
            webhooks_sent=sender.sent if sender is not None else 0,
        )
        return Group(
            Text(title or label("watch.title", lang), style="bold"),
            live_board(port_rows(station, settings), titles, lang, channel, footer),
        )

    return draw


def port_rows(station: Station, settings: Settings) -> list[PortRow]:
    """One row per port: the phone on it now, else the last one that was (so an unplugged phone's
    result stays on the board, marked unplugged, until the port is used again); and every port named
    in [ports] that no phone has been on, as free."""
    from tenken.report.live import PortRow

    latest: dict[str, PortRow] = {}
    for plug in [*station.history, *station.plugs.values()]:  # oldest first: the newest plug wins
        ref = plug.ref
        port = settings.port_name(ref.usb_location) or ref.usb_location or ref.device_id
        latest[port] = PortRow(
            port, ref.device_id, ref.platform, plug.stage.value, plug.seconds, plug.inspection, plug.attached
        )
    for port in set(settings.ports.values()) - set(latest):
        latest[port] = PortRow(port, "", None, "free", 0.0, None)
    return [latest[port] for port in sorted(latest, key=_natural)]


def _natural(text: str) -> tuple[int, list[object]]:
    """Names as people count (A-2 before A-10), usbmuxd's hex LocationIDs as written."""
    import re

    if text.startswith("0x"):
        return (0, [text])
    return (1, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)])


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, stop.set)


async def _stop_after(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    stop.set()
