"""`tenken evidence`: list what the carriers answered about an IMEI, check each stored answer (its page
against the sha256 recorded when it arrived, the page read again against the stored mark, the row against
its station's signature), and save the pages for a 赤ロム保証 claim."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.errors import OutputError
from tenken.facts import Carrier, Evidence, LookupResult, msg
from tenken.files import private_folder, write_private

if TYPE_CHECKING:
    from tenken.report.labels import Lang
from tenken.imei import validate_imei


@click.command()
@click.argument("imei")
@click.option(
    "--carrier", "-c", type=click.Choice([carrier.value for carrier in Carrier]), help="Only this carrier."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the saved pages.",
)
@click.option(
    "--all", "save_all", is_flag=True, help="Save every stored answer, not only the newest per carrier."
)
@click.option("--no-save", is_flag=True, help="Only list; write no files.")
@options.json_output("List as JSON.")
@pass_app
def evidence(
    app: AppContext,
    imei: str,
    carrier: str | None,
    out_dir: Path,
    save_all: bool,
    no_save: bool,
    as_json: bool,
) -> None:
    """List what the carriers answered about IMEI, and save their raw pages for a 赤ロム保証 claim.

    Each saved page gets a .meta.json beside it with the URL, HTTP status, time and sha256. Every stored
    answer is checked: its page against the sha256 recorded when it arrived, the page read again against
    the stored mark, and the row against the station's signature (a mark entered by hand has only that).

    \b
    Exit codes:
      0  listed (and saved); every stored answer checks out (answers kept before tenken signed them, or
         signed by a station whose key is not held here, are listed with a note)
      5  some stored answer does not: the database was altered or damaged (flagged in the list,
         the --json and the .meta.json); everything was still listed and saved
      65 IMEI is not an IMEI; 66 nothing stored for it; 73 a file cannot be written; 74 the database failed
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tenken.errors import EvidenceAltered, NotFound
    from tenken.facts import msg
    from tenken.lookups.integrity import check
    from tenken.report.labels import jst, label, name, render
    from tenken.report.terminal import outside, said
    from tenken.store import open_store

    number = validate_imei(imei)
    with open_store(app.settings) as database:
        history = database.lookup_history(number, Carrier(carrier) if carrier else None)
    if not history:
        raise NotFound(msg("error.no_answer", imei=number))

    checks = [check(result) for result in history]
    intact = [not checked.altered for checked in checks]
    saved: dict[int, Path] = {}
    if not no_save:
        newest_seen: set[Carrier] = set()
        for index, result in enumerate(history):
            if result.evidence is None or (not save_all and result.carrier in newest_seen):
                continue
            newest_seen.add(result.carrier)
            saved[index] = _save(number, result, result.evidence, intact[index], out_dir)
    altered = [result for result, ok in zip(history, intact, strict=True) if not ok]

    if as_json:
        from tenken.report.json_output import document

        emit_json(
            document(
                imei=number,
                intact=not altered,
                answers=[
                    {
                        **result.to_json(),
                        "intact": ok,
                        "page_intact": result.evidence.intact if result.evidence else None,
                        "seal": result.seal.value if result.seal else None,
                        "problem": checks[index].problem,
                        "saved_to": str(saved[index]) if index in saved else None,
                    }
                    for index, (result, ok) in enumerate(zip(history, intact, strict=True))
                ],
            )
        )
    else:
        title = render(msg("evidence.title", imei=number), app.lang)
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
        for column in ("ui.checked_at", "ui.carrier", "ui.answer", "ui.http", "ui.evidence", "ui.saved_to"):
            table.add_column(label(column, app.lang), overflow="fold")
        for index, (result, ok) in enumerate(zip(history, intact, strict=True)):
            ev = result.evidence
            digest = Text(ev.sha256[:16] + "…") if ev else Text("")
            problem = checks[index].problem
            if not ok:
                digest = Text(label("ui.evidence_altered", app.lang), style="bold red")
                digest.append(" " + render(problem, app.lang), style="red")
            elif problem is not None:
                digest.append(" " + render(problem, app.lang), style="yellow")
            table.add_row(
                jst(result.checked_at),
                name(result.carrier, app.lang),
                outside(_answer(result, app.lang)),
                str(ev.http_status) if ev else "",
                digest,
                outside(saved.get(index, "")),
            )
        console = Console()
        console.print(table)
        if altered:
            console.print(said(msg("evidence.altered", count=len(altered)), app.lang, "bold red"))
    if altered:
        which = ", ".join(f"{result.carrier.value} {jst(result.checked_at)}" for result in altered)
        raise EvidenceAltered(
            f"{len(altered)} stored answer(s) for {number} are not what was kept ({which}): "
            "the database was altered or damaged; do not use them as evidence"
        )


def _answer(result: LookupResult, lang: Lang) -> str:
    """The answer in words, each mark once: the page's own glyph only where it is not the usual one
    (SoftBank's ▲, Rakuten's status number)."""
    from tenken.report.labels import name

    said = name(result.outcome, lang)
    raw = result.raw_mark
    if raw and result.outcome.is_mark and raw != result.outcome.symbol:
        return f"{said} ({raw})"
    return said


def _save(imei: str, result: LookupResult, evidence: Evidence, intact: bool, out_dir: Path) -> Path:
    """The raw page, byte for byte, and a .meta.json saying where and when it came from, and whether the
    page is still the one whose sha256 was recorded.

    Names sort by time (to the microsecond) and end with the answer's record id, so two answers in the
    same second never overwrite each other."""
    stamp = evidence.fetched_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    tag = result.record_id[:12] or evidence.sha256[:12]  # answers stored before record ids existed
    suffix = ".json" if "json" in evidence.content_type else ".html"
    page = out_dir / f"{imei}-{result.carrier.value}-{stamp}-{tag}{suffix}"
    meta = {"imei": imei, "carrier": result.carrier.value, **evidence.to_json(), "intact": intact}
    if not intact:
        meta["body_sha256"] = evidence.body_sha256
        meta["warning"] = "this answer is not what was kept when it arrived: it proves nothing"
    try:  # owner-only, like the database: a carrier's page is about one customer's phone
        private_folder(out_dir)
        write_private(page, evidence.body)
        write_private(page.with_name(page.name + ".meta.json"), (json.dumps(meta, indent=2) + "\n").encode())
    except OSError as error:
        raise OutputError(msg("error.cannot_write_in", folder=str(out_dir), why=error.strerror)) from None
    return page
