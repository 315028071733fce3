"""`tenken demo`: the whole job on simulated carrier sites, on this machine only."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console

from tenken.cli import AppContext, pass_app
from tenken.facts import Carrier, ImeiStatus, Outcome

# Synthetic IMEIs (valid Luhn, TAC 35 + zeros) with the answers the demo's carrier sites give.
DEMO_PHONES: list[tuple[str, str, Carrier | None, Outcome]] = [
    ("350000000000014", "bought from docomo, paid off", Carrier.DOCOMO, Outcome.OK),
    ("350000000000022", "au, instalments still running", Carrier.AU, Outcome.PENDING),
    ("350000000000030", "SoftBank, unpaid instalments (赤ロム)", Carrier.SOFTBANK, Outcome.RESTRICTED),
    ("350000000000048", "Rakuten Mobile, paid off", Carrier.RAKUTEN, Outcome.OK),
    ("350000000000055", "SIM-free from an Apple Store", None, Outcome.NOT_FOUND),
]


@click.command()
@click.option(
    "--spacing",
    type=click.FloatRange(min=0),
    default=0.2,
    show_default=True,
    help="Seconds between requests to one simulated site.",
)
@pass_app
def demo(app: AppContext, spacing: float) -> None:
    """Look up a batch of phones against simulated carrier checkers on 127.0.0.1.

    Nothing leaves this machine: the carrier sites are tenken's own simulator, and the database is
    a temporary file (unless --db is given).
    """
    from tenken import config, store
    from tenken.commands.lookup import perform
    from tenken.report.terminal import lookup_table, problems_table
    from tenken.sim.carriers import CarrierSimulator, Rules

    console = Console()
    rules = Rules()
    for imei, _story, carrier, mark in DEMO_PHONES:
        rules.set_mark(imei, carrier, mark)
    with tempfile.TemporaryDirectory(prefix="tenken-demo-") as scratch, CarrierSimulator(rules) as sites:
        settings = config.load(app.config_path, environ={**_own_env(), **sites.env()})
        settings.db = app.db or str(Path(scratch) / "demo.sqlite3")
        settings.data_dir = scratch
        settings.lookup.spacing = spacing
        console.rule("tenken demo")
        console.print(f"Simulated carrier checkers on [bold]{sites.origin}[/] — nothing leaves this machine.")
        for imei, story, _carrier, _mark in DEMO_PHONES:
            console.print(f"  {imei}  {story}", style="dim")
        console.print()
        imeis = [imei for imei, *_ in DEMO_PHONES]
        reports = perform(settings, imeis, list(Carrier), use_cache=False, console=Console(stderr=True))
        console.print(lookup_table(reports, [carrier.value for carrier in Carrier], console.width))
        problems = problems_table(reports)
        if problems is not None:
            console.print(problems)
        store.close_all()
    flagged = sum(report.status in (ImeiStatus.PENDING, ImeiStatus.RESTRICTED) for report in reports)
    console.print(
        f"{len(reports)} phones looked up; {flagged} need attention. "
        "Every answer was stored with the carrier's raw page (`tenken evidence IMEI`)."
    )
    sys.exit(0)


def _own_env() -> dict[str, str]:
    """The user's TENKEN_ variables, minus the carrier origins the demo replaces."""
    import os

    return {key: value for key, value in os.environ.items() if not key.endswith("_ORIGIN")}
