"""`tenken doctor`: check the station's setup and say what to fix."""

from __future__ import annotations

import sys

import click

from tenken.cli import AppContext, emit_json, pass_app


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The checks as one JSON object.")
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
    from tenken.report.terminal import outside
    from tenken.station.doctor import Status, run_checks

    checks = run_checks(app.settings)
    failed = any(check.status is Status.FAIL for check in checks)
    if as_json:
        emit_json(
            document(
                ok=not failed,
                checks=[
                    {"name": c.name, "status": c.status.value, "found": c.found, "fix": c.fix or None}
                    for c in checks
                ],
            )
        )
    else:
        styles = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}
        table = Table(box=None, pad_edge=False)
        for heading in ("check", "", "found", "to do"):
            table.add_column(heading, overflow="fold")
        for check in checks:
            table.add_row(
                check.name,
                Text(check.status.value, style=styles[check.status]),
                outside(check.found),
                outside(check.fix),
            )
        Console().print(table)
    sys.exit(1 if failed else 0)
