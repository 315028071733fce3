"""`tenken watch`: the bulk station. Follows phones plugged in and out all day, inspects each once per
plug, shows a live board per hub port, stores every result and sends it to the webhook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands import options
from tenken.commands.options import PLATFORM_CHOICES
from tenken.errors import UsageError
from tenken.facts import Platform, msg

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from tenken.inspection import Inspection
    from tenken.station.run import StationRun
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
    app.use_transports(usbmux, adb_port)
    policy = app.policy_with(policy_path, channel)
    board = None if as_json else Console(stderr=jsonl)  # --jsonl: the board on stderr
    lines = sys.stdout if jsonl else None
    run, kept = run_async(
        _watch(app, policy, channel, PLATFORM_CHOICES[platform], not no_lookup, once, timeout, board, lines)
    )
    if as_json:
        from tenken.report.json_output import document

        emit_json(
            document(
                policy=policy.reference(),
                channel=channel,
                phones=[inspection.to_json() for inspection in run.kept],
                problems={
                    where.value: msg("inspect.not_looked_for", platform=where, problem=problem)
                    for where, problem in run.transport_problems.items()
                },
            )
        )
    elif board is not None and not jsonl:
        board.print(app.words(msg("watch.summary", kept=kept)))
    if run.error is not None:
        raise run.error
    sys.exit(run.exit_code())


async def _watch(
    app: AppContext,
    policy: Policy,
    channel: str,
    platforms: list[Platform],
    look_up: bool,
    once: bool,
    give_up_after: float,
    board: Console | None,
    lines: TextIO | None,
) -> tuple[StationRun, int]:
    """The station run with the live board on `board` as its face (none when the board has nowhere to
    go); the run, and how many inspections it stored."""
    from tenken.report.labels import label
    from tenken.report.live import drawn
    from tenken.station.pipeline import Options
    from tenken.station.run import StationRun
    from tenken.store import open_store

    settings = app.settings
    options = Options(policy=policy, look_up=look_up, station=settings.station.name)
    titles = {key: entry.title(app.lang, short=True) for key, entry in policy.channels.items()}
    with open_store(settings) as database:
        run = StationRun(
            settings,
            database,
            options,
            platforms,
            focus=channel,
            once=once,
            give_up_after=give_up_after if once else None,
            signals=True,
            on_kept=(lambda inspection: _line(lines, inspection)) if lines is not None else None,
        )
        async with run:
            if board is None or not board.is_terminal:
                await run.wait()
            else:
                from rich.live import Live

                def draw() -> RenderableType:
                    return drawn(run.board(), titles, app.lang, label("watch.title", app.lang))

                with Live(draw(), console=board, refresh_per_second=4, transient=False) as live:
                    while not await run.wait(0.25):
                        live.update(draw())
                    live.update(draw())
        return run, run.board().health.kept


def _line(out: TextIO, inspection: Inspection) -> None:
    """--jsonl: the stored inspection as the webhook's body, one line, its values inert."""
    from tenken.report.inert import json_text
    from tenken.station.webhooks import finished

    out.write(json_text(finished(inspection).body) + "\n")
    out.flush()
