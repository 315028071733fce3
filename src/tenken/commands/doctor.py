"""`tenken doctor`: check the station's setup and say what to fix."""

from __future__ import annotations

import sys

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options


@click.command()
@options.json_output("The checks as one JSON object.")
@pass_app
def doctor(app: AppContext, as_json: bool) -> None:
    """Check this machine as a station: usbmuxd reachable, the adb server (loopback only), udev rules,
    USB permissions of attached Android phones, the data folder, the database and its schema, the
    carrier sites configured (never contacted) and the webhook receiver.

    \b
    Exit code: 0 nothing failed (warnings allowed), 1 something failed (each says what to do).
    """
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
