"""`tenken doctor`: check the station's setup and say what to fix."""

from __future__ import annotations

import logging
import sys

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands import options

log = logging.getLogger(__name__)


@click.command()
@options.json_output("The checks as one JSON object.")
@click.option(
    "--carriers",
    "carrier_pages",
    is_flag=True,
    help="Instead: load each carrier's checker page once (no IMEI is sent) and say whether tenken can "
    "read it today.",
)
@pass_app
def doctor(app: AppContext, as_json: bool, carrier_pages: bool) -> None:
    """Check this machine as a station: usbmuxd reachable, the adb server (loopback only), udev rules,
    USB permissions of attached Android phones, the data folder, the database and its schema, the
    carrier sites configured (never contacted) and the webhook receiver.

    With --carriers, only the carriers' sites, contacted: each checker page is loaded once, as the
    look-ups load it, without sending an IMEI, and checked against the form tenken reads there
    (fields, tokens, cookie), a CAPTCHA, a refusal (HTTP 403, a bot check) or a page only a browser runs.

    \b
    Exit code: 0 nothing failed (warnings allowed), 1 something failed (each says what to do).
    With --carriers: 0 every site can be read, 2 some site will not answer programs (its look-ups
    will be hand-offs), 1 some page is not the one tenken reads, 3 some site could not be reached.
    """
    if carrier_pages:
        _carrier_pages(app, as_json)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from tenken.report.json_output import document
    from tenken.report.labels import label, render
    from tenken.report.terminal import outside
    from tenken.station.doctor import Status, run_checks

    checks = run_checks(app.settings)
    failed = any(check.status is Status.FAIL for check in checks)
    if as_json:
        emit_json(document(ok=not failed, checks=[check.to_json() for check in checks]))
    else:
        lang = app.lang
        statuses = {
            Status.OK: ("green", label("doctor.status.ok", lang)),
            Status.WARN: ("yellow", label("doctor.status.warn", lang)),
            Status.FAIL: ("bold red", label("doctor.status.fail", lang)),
        }
        table = Table(box=None, pad_edge=False)
        headings = (
            label("doctor.heading.check", lang),
            label("doctor.heading.status", lang),
            label("doctor.heading.found", lang),
            label("doctor.heading.fix", lang),
        )
        for heading in headings:
            table.add_column(heading, overflow="fold")
        for check in checks:
            style, status = statuses[check.status]
            table.add_row(
                label(f"doctor.check.{check.code}", lang),
                Text(status, style=style),
                outside(render(check.found, lang)),
                outside(render(check.fix, lang)),
            )
        Console().print(table)
    sys.exit(1 if failed else 0)


def _carrier_pages(app: AppContext, as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from tenken.errors import StoreError
    from tenken.facts import msg
    from tenken.report.json_output import document
    from tenken.report.labels import jst, label, name, render
    from tenken.report.terminal import outside
    from tenken.station.carrier_pages import booked_turns, check_pages, exit_code
    from tenken.store import open_store

    try:
        store = open_store(app.settings)  # the fleet's turns at each site, as the look-ups book them
    except StoreError as error:
        log.info("carrier politeness is per process: %s", error)
        checks = run_async(check_pages(app.settings))
    else:
        with store:
            checks = run_async(check_pages(app.settings, turns=booked_turns(store)))
    code = exit_code(checks)
    if as_json:
        emit_json(document(ok=code == 0, exit_code=code, sites=[check.to_json() for check in checks]))
        sys.exit(code)
    lang = app.lang
    styles = {"ready": "green", "experimental": "yellow", "off": "dim"}
    table = Table(box=None, pad_edge=False)
    carrier_heading = label("doctor.pages.carrier", lang)
    for heading in (
        carrier_heading,
        label("doctor.heading.status", lang),
        label("doctor.heading.found", lang),
    ):
        table.add_column(heading, overflow="fold")
    table.add_column(label("doctor.pages.day", lang), overflow="fold")
    for check in checks:
        table.add_row(
            name(check.carrier, lang),
            Text(render(check.said_state, lang), style=styles.get(check.state, "bold red")),
            outside(render(check.found, lang)),
            outside(render(check.means, lang)),
        )
    fetched = Table(box=None, pad_edge=False, title=label("doctor.pages.fetched", lang), title_justify="left")
    headings = (
        carrier_heading,
        "URL",
        "HTTP",
        label("doctor.pages.bytes", lang),
        "sha256",
        label("doctor.pages.time", lang),
    )
    for heading in headings:
        fetched.add_column(heading, overflow="fold")
    for check in checks:
        evidence = check.evidence
        if evidence is None:
            continue
        fetched.add_row(
            name(check.carrier, lang),
            outside(evidence.url),
            str(evidence.http_status),
            str(len(evidence.body)),
            evidence.sha256,
            jst(evidence.fetched_at),
        )
    console = Console()
    console.print(table)
    console.print()
    console.print(fetched)
    unchecked = [
        render(msg("doctor.pages.answer_at", carrier=check.carrier, markers=list(check.not_checked)), lang)
        for check in checks
        if check.not_checked
    ]
    console.print(outside(render(msg("doctor.pages.no_imei", places=unchecked), lang)))
    sys.exit(code)
