"""`tenken label`: the phone's label (値札・管理ラベル) as a PDF at the label's size, printed on request."""

from __future__ import annotations

from pathlib import Path

import click

from tenken.cli import AppContext, pass_app
from tenken.commands import options
from tenken.errors import NotFound
from tenken.facts import msg


@click.command()
@click.argument("key", metavar="IMEI|SERIAL|INSPECTION_ID")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF to write (default: tenken-label-….pdf in the current folder).",
)
@click.option(
    "--size",
    help="The label's width x height in mm: 62x100 (Brother DK-11202), 29x90 (DK-11201), … "
    "(default: the label.size setting, 62x100).",
)
@click.option("--print", "send", is_flag=True, help="Also send it to the CUPS printer label.printer (lp).")
@options.policy()
@click.option("--channel", help="The sales channel whose level is on the label (default: label.channel).")
@pass_app
def label(
    app: AppContext,
    key: str,
    out: Path | None,
    size: str | None,
    send: bool,
    policy_path: Path | None,
    channel: str | None,
) -> None:
    """Write the label (値札・管理ラベル) of a phone's newest inspection, or of the inspection with that id:
    model and capacity, colour, grade, each carrier's mark with its day, battery, the level on the shop's
    main channel, stock number and a QR code of the certificate's verify address (or its record hash),
    printed by Chromium to a PDF of the label's size. In Japanese unless `lang` says English."""
    from tenken.errors import UsageError
    from tenken.report.labels import language
    from tenken.station.label import send_to_printer, size_of, write_label
    from tenken.store import open_store
    from tenken.store.records import inspection_ids

    settings = app.settings
    printer = settings.label.printer
    if send and not printer:
        raise UsageError(msg("label.no_printer"))
    chosen = size_of(size or settings.label.size)
    policy = app.policy(policy_path)
    with open_store(settings) as store:
        found = inspection_ids(store, key.strip())
        if not found:
            raise NotFound(msg("error.no_inspection", key=key.strip()))
        written = write_label(
            settings,
            policy,
            store,
            found[0],
            out,
            folder=Path.cwd(),
            size=chosen,
            lang=language(app.lang_option or settings.lang or "ja"),
            channel=channel or settings.label.channel,
        )
    click.echo(f"wrote {written}")
    if send:
        send_to_printer(printer, written)
        click.echo(app.words(msg("label.sent", printer=printer, file=str(written))))
