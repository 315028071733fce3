"""`tenken certificate` (点検証明書: one HTML page per phone, PDF on request) and `tenken verify` (does a
certificate still say what the store holds, and are the stored evidence pages unaltered?)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken import __version__
from tenken.cli import AppContext, pass_app
from tenken.errors import InputError, InputFileError, Mismatch, NotFound, OutputError
from tenken.files import private_folder, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from tenken.inspection import Inspection
    from tenken.report.html import Options
    from tenken.store import Store
    from tenken.store.records import StoredInspection

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@click.command()
@click.argument("key", metavar="IMEI|SERIAL|INSPECTION_ID")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the certificate.",
)
@click.option("--full-imei", is_flag=True, help="Show the IMEIs in full (default: only their last 4 digits).")
@click.option("--pdf", is_flag=True, help="Also print it to PDF beside the HTML (needs Chromium).")
@pass_app
def certificate(app: AppContext, key: str, out_dir: Path, full_imei: bool, pdf: bool) -> None:
    """Write the inspection certificate (点検証明書) of a phone's newest inspection, or of the inspection
    with that id: one self-contained HTML file for A4 paper, in Japanese and English, with a QR code
    that carries the inspection id and its record hash (`tenken verify` checks it)."""
    from tenken.store import open_store
    from tenken.store.records import inspection_ids

    with open_store(app.settings) as store:
        found = inspection_ids(store, key.strip())
        if not found:
            raise NotFound(
                f"no stored inspection for {key.strip()!r}; inspect the phone first (tenken inspect)"
            )
        for path in issue(app, store, found[0], out_dir, full_imei=full_imei, pdf=pdf):
            click.echo(f"wrote {path}")


def issue_for(app: AppContext, inspections: Sequence[Inspection], out_dir: Path, console: Console) -> None:
    """`tenken inspect --certificates DIR`: a certificate for each phone just inspected and stored."""
    from tenken.store import open_store

    with open_store(app.settings) as store:
        for inspection in inspections:
            for path in issue(app, store, inspection.id, out_dir, full_imei=False, pdf=False):
                console.print(f"certificate: {path}", style="dim", markup=False, highlight=False)


def issue(
    app: AppContext, store: Store, inspection_id: str, out_dir: Path, *, full_imei: bool, pdf: bool
) -> list[Path]:
    """Write the certificate of a stored inspection (and its PDF), note it in the store; the paths."""
    from tenken.report.html import certificate as render
    from tenken.store.records import save_certificate

    checked = _checked(store, inspection_id)
    options = _options(app, full_imei=full_imei, issued_at=datetime.now(UTC))
    page = out_dir / _file_name(checked.inspection)
    try:  # owner-only: a certificate may hold full IMEIs
        private_folder(out_dir)
        write_private(page, render(checked.inspection, checked.record, options).encode("utf-8"))
    except OSError as error:
        raise OutputError(f"cannot write the certificate in {out_dir}: {error.strerror}") from None
    written = [page]
    if pdf:
        from tenken.report.pdf import print_pdf

        print_pdf(page, page.with_suffix(".pdf"))
        written.append(page.with_suffix(".pdf"))
    save_certificate(
        store,
        inspection_id,
        checked.record,
        str(page.resolve()),
        options.issued_at,
        app.settings.station.name,
    )
    return written


@dataclass(frozen=True, slots=True)
class Checked:
    """A stored inspection whose evidence pages all still match their stored sha256, and its record hash."""

    stored: StoredInspection
    inspection: Inspection
    record: str


def _checked(store: Store, inspection_id: str) -> Checked:
    """The stored inspection, after checking its evidence: every page it links to is there, has the hash
    written with it, and is the page the inspection names. Raises Mismatch naming the first that is not."""
    from tenken.inspection import inspection_from_json
    from tenken.report.record import record_sha256
    from tenken.store.records import stored_inspection

    stored = stored_inspection(store, inspection_id)
    if stored is None:
        raise NotFound(f"inspection {inspection_id} is not in the database {store.where}")
    inspection = inspection_from_json(stored.data)
    for page in stored.pages:
        if not page.found:
            raise Mismatch(
                f"the evidence page {page.record_id} of inspection {inspection_id} is missing from the store"
            )
        if page.altered:
            raise Mismatch(
                f"the stored evidence page of {page.carrier} for IMEI …{page.imei[-4:]} (checked "
                f"{page.checked_at:%Y-%m-%d %H:%M} UTC, record {page.record_id}) was altered: its sha256 is now "
                f"{page.body_sha256}, it was stored as {page.stored_sha256}"
            )
    pages = {page.record_id: page.stored_sha256 for page in stored.pages}
    for asked in inspection.asked:
        result = asked.result
        if (
            result is not None
            and result.record_id in pages
            and pages[result.record_id] != asked.evidence_sha256
        ):
            raise Mismatch(
                f"inspection {inspection_id} names the {asked.carrier.value} page {asked.evidence_sha256} but "
                f"the store holds {pages[result.record_id]} for record {result.record_id}"
            )
    return Checked(stored, inspection, record_sha256(stored.data, pages))


def _options(app: AppContext, *, full_imei: bool, issued_at: datetime) -> Options:
    from tenken.report.html import Options

    policy = app.policy()
    channels = policy.channels.items()
    return Options(
        full_imei=full_imei,
        issued_at=issued_at,
        generator=__version__,
        titles={key: (channel.title("ja"), channel.title("en")) for key, channel in channels},
        short={
            key: (channel.title("ja", short=True), channel.title("en", short=True))
            for key, channel in channels
        },
    )


def _file_name(inspection: Inspection) -> str:
    """tenken-20261130-A-12-9a806f10.html: date (JST), stock number or serial or IMEI end, inspection id."""
    from tenken.report.labels import JST

    facts = inspection.facts
    who = inspection.stock_no or (facts.serial.value if facts.serial.known else "") or ""
    if not who and facts.imei.known:
        who = str(facts.imei.value)[-4:]
    safe = _UNSAFE.sub("_", str(who)).strip("._")[:40] or "phone"
    return f"tenken-{inspection.started_at.astimezone(JST):%Y%m%d}-{safe}-{inspection.id[:8]}.html"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def verify(app: AppContext, file: Path) -> None:
    """Check a certificate against the store: the inspection it names, its record hash (computed again
    from the stored inspection and the sha256 of its evidence pages, each recomputed from the stored
    page), and everything the certificate says.

    \b
    Exit codes:
      0   the certificate says what the store holds, and the evidence pages are unaltered
      1   it does not, or a stored page was altered (one line says what differs)
      65  the file is not a tenken certificate; 66 it cannot be read, or the inspection is not stored
      74  the database failed
    """
    from tenken.report.html import certificate as render
    from tenken.report.html import claims
    from tenken.store import open_store

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise InputFileError(f"cannot read {file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{file} is not a tenken certificate (not UTF-8 text)") from None
    found = claims(text)
    inspection_id = found.meta.get("tenken:inspection", "")
    said_record = found.meta.get("tenken:record-sha256", "")
    if not re.fullmatch(r"[0-9a-f]{32}", inspection_id) or not said_record:
        raise InputError(f"{file} is not a tenken certificate (no inspection id in it)")
    with open_store(app.settings) as store:
        checked = _checked(store, inspection_id)
    if checked.record != said_record:
        raise Mismatch(
            f"{file}: the record hash {said_record[:16]}… is not the stored inspection's {checked.record[:16]}…: "
            "the certificate or the stored inspection was changed"
        )
    issued = _issued(found.meta.get("tenken:issued", ""))
    options = _options(app, full_imei=found.meta.get("tenken:imei") == "full", issued_at=issued)
    expected = claims(render(checked.inspection, checked.record, options))
    for key, on_paper, in_store in found.differences(expected):
        raise Mismatch(
            f"{file}: {key} reads {_quoted(on_paper)} but the stored inspection says {_quoted(in_store)}"
        )
    retail = checked.inspection.verdicts.get("retail")
    click.echo(
        f"{file}: matches inspection {inspection_id}"
        + (f" (retail {retail.level.value})" if retail else "")
        + f"; record sha256 {checked.record}; {len(checked.stored.pages)} evidence page(s) unaltered"
    )


def _issued(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.now(UTC)  # not a claim: only shown on the page


def _quoted(value: str | None) -> str:
    if value is None:
        return "nothing"
    shown = " ".join(value.split())
    return repr(shown if len(shown) <= 80 else shown[:77] + "…")
