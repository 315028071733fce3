"""`tenken schema`: the JSON Schema (draft 2020-12) of what `--json` and `export` print, generated from
the types in tenken/report/schema.py (the same files as docs/schema/)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tenken.errors import OutputError
from tenken.files import private_folder, write_private

NAMES = (
    "inspect",
    "report",
    "lookup",
    "export",
    "export-row",
    "history",
    "watch",
    "watch-line",
    "recheck",
    "doctor",
    "serve-board",
    "serve-event",
    "serve-queue",
    "serve-recorded",
    "serve-refused",
    "serve-fleet",
    "doctor-carriers",
)


def text(name: str) -> str:
    """The schema as the files in docs/schema/ hold it."""
    from tenken.report.schema import schema

    return json.dumps(schema(name), ensure_ascii=False, indent=2) + "\n"


@click.command("schema")
@click.argument("name", type=click.Choice(NAMES), required=False)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every schema into this folder as NAME.schema.json instead of printing one.",
)
def schema_command(name: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of a document: inspect (inspect --json), report (report --json), lookup
    (lookup --json), export (export --format json), export-row (one line of --format jsonl), history,
    watch (watch --once --json), watch-line (a line of watch --jsonl, and a webhook's body), recheck,
    doctor, doctor-carriers (doctor --carriers --json)."""
    if out_dir is not None:
        try:
            private_folder(out_dir)
            for each in NAMES:
                write_private(out_dir / f"{each}.schema.json", text(each).encode("utf-8"))
        except OSError as error:
            raise OutputError(f"cannot write the schemas in {out_dir}: {error.strerror}") from None
        click.echo(f"wrote {len(NAMES)} schemas in {out_dir}")
        return
    if name is None:
        raise click.UsageError(f"name a document ({', '.join(NAMES)}) or give --out")
    click.echo(text(name), nl=False)
