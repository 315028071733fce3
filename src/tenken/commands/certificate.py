"""`tenken certificate` (点検証明書: one HTML page per phone, PDF on request) and `tenken verify` (does a
certificate still say what the store holds, and are the stored evidence pages unaltered?)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken import __version__
from tenken.cli import AppContext, pass_app
from tenken.errors import InputError, InputFileError, Mismatch, NotFound
from tenken.facts import msg

if TYPE_CHECKING:
    from tenken.report.html import Options
    from tenken.store.records import Issued


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
@click.option("--by", "technician", help="The technician (担当者) on it (default: the user running tenken).")
@pass_app
def certificate(
    app: AppContext, key: str, out_dir: Path, full_imei: bool, pdf: bool, technician: str | None
) -> None:
    """Write the inspection certificate (点検証明書) of a phone's newest inspection, or of the inspection
    with that id: one self-contained HTML file for A4 paper, in Japanese and English, with the shop that
    issues it ([shop] in the configuration) and a QR code that carries the record hash, or the shop's
    page that checks it (certificate.verify_url; `tenken verify` checks it here)."""
    from tenken.station.certificates import issue
    from tenken.store import open_store
    from tenken.store.records import inspection_ids

    with open_store(app.settings) as store:
        found = inspection_ids(store, key.strip())
        if not found:
            raise NotFound(msg("error.no_inspection", key=key.strip()))
        written = issue(
            app.settings,
            app.policy(),
            store,
            found[0],
            out_dir,
            full_imei=full_imei,
            pdf=pdf,
            technician=technician,
        )
        for path in written:
            click.echo(f"wrote {path}")


def _reissued(file: Path, issued: Issued | None, inspection_id: str, record: str) -> Options:
    """The options a certificate was issued with, from its row; Mismatch when the store cannot vouch for
    it (no such certificate of this inspection, issued over another record, or not renderable)."""
    from tenken.errors import EvidenceAltered
    from tenken.facts import Seal
    from tenken.report.html import LANGS_WRITTEN, Options

    if issued is not None and issued.seal is Seal.BROKEN:
        raise EvidenceAltered(
            f"{file}: the store's row of certificate {issued.record_id} was changed after its station signed "
            "it: it proves nothing; write the certificate again"
        )
    if issued is None or issued.inspection_id != inspection_id:
        raise Mismatch(
            f"{file}: the store has issued no such certificate of inspection {inspection_id}: it was edited, "
            "or written before tenken kept certificates whole; write it again (tenken certificate "
            f"{inspection_id})"
        )
    if issued.record_sha256 != record:
        raise Mismatch(
            f"{file}: certificate {issued.record_id} was issued over record sha256 {issued.record_sha256[:16]}…, "
            f"the stored inspection's is now {record[:16]}…: the stored inspection was changed"
        )
    if not issued.renderable or issued.channels is None:
        raise Mismatch(
            f"{file}: certificate {issued.record_id} was issued before tenken kept what it needs to render a "
            f"certificate again; write it again (tenken certificate {inspection_id})"
        )
    if issued.seal is not Seal.SIGNED:
        raise Mismatch(
            f"{file}: certificate {issued.record_id} is {issued.seal.value if issued.seal else 'unsigned'} in "
            f"the store: this station cannot vouch for it; write it again (tenken certificate {inspection_id})"
        )
    if issued.lang not in LANGS_WRITTEN:
        raise Mismatch(
            f"{file}: certificate {issued.record_id} is written in {issued.lang!r}, which this tenken does "
            f"not write; verify it with tenken {issued.tenken_version}"
        )
    channels = issued.channels
    return Options(
        certificate_id=issued.record_id,
        issued_at=issued.issued_at,
        full_imei=bool(issued.full_imei),
        lang=str(issued.lang),
        generator=str(issued.tenken_version),
        titles={key: (titles["ja"], titles["en"]) for key, titles in channels.items()},
        short={key: (titles["short_ja"], titles["short_en"]) for key, titles in channels.items()},
        shop_name=issued.shop_name or "",  # None: issued before tenken kept who issued it, showing none
        licence_authority=issued.licence_authority or "",
        licence_number=issued.licence_number or "",
        technician=issued.technician or "",
        verify_url=issued.verify_url or "",
        warranty=issued.warranty or "",
    )


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def verify(app: AppContext, file: Path) -> None:
    """Check a certificate against the store: the inspection it names, its record hash (computed again
    from the stored inspection and the sha256 of its evidence pages, each recomputed from the stored
    page), every value on it, and then the whole page: it must be the certificate rendered again from the
    store, whitespace aside (re-indented or CRLF copies verify; anything added, removed or restyled does
    not).

    \b
    Exit codes:
      0   the certificate is what the store renders, and the evidence pages are unaltered
      1   it is not, or the store cannot vouch for a row it rests on (one line says where and what)
      5   a row it rests on (the inspection, a carrier's answer, the certificate's own) was changed in the
          database after its station signed it
      65  the file is not a tenken certificate; 66 it cannot be read, or the inspection is not stored
      74  the database failed
    """
    from tenken.report.html import certificate as render
    from tenken.report.html import claims, first_difference
    from tenken.station.certificates import checked as checked_in
    from tenken.store import open_store
    from tenken.store.records import issued_certificate

    try:
        text = file.read_bytes().decode("utf-8")
    except OSError as error:
        raise InputFileError(msg("error.cannot_read", file=str(file), why=error.strerror)) from None
    except UnicodeDecodeError:
        raise InputError(msg("error.not_a_certificate", file=str(file))) from None
    found = claims(text)
    inspection_id = found.meta.get("tenken:inspection", "")
    said_record = found.meta.get("tenken:record-sha256", "")
    certificate_id = found.meta.get("tenken:certificate", "")
    if not _ID.fullmatch(inspection_id) or not said_record:
        raise InputError(msg("error.not_a_certificate", file=str(file)))
    with open_store(app.settings) as store:
        checked = checked_in(store, inspection_id)
        issued = issued_certificate(store, certificate_id) if _ID.fullmatch(certificate_id) else None
    if checked.record != said_record:
        raise Mismatch(
            f"{file}: the record hash {said_record[:16]}… is not the stored inspection's {checked.record[:16]}…: "
            "the certificate or the stored inspection was changed"
        )
    options = _reissued(file, issued, inspection_id, checked.record)
    rendered = render(checked.inspection, checked.record, options)
    since = (
        ""
        if options.generator == __version__
        else f" (written by tenken {options.generator}, which may lay it out differently from {__version__})"
    )
    for key, on_paper, in_store in found.differences(claims(rendered)):
        raise Mismatch(
            f"{file}: {key} reads {_quoted(on_paper)} but the stored inspection says {_quoted(in_store)}{since}"
        )
    difference = first_difference(text, rendered)
    if difference is not None:
        raise Mismatch(
            f"{file}: line {difference.line}, column {difference.column}: the certificate has "
            f"{_shown(difference.has)} where the store renders {_shown(difference.renders)}{since}"
        )
    retail = checked.inspection.verdicts.get("retail")
    click.echo(
        f"{file}: matches inspection {inspection_id}"
        + (f" (retail {retail.level.value})" if retail else "")
        + f"; record sha256 {checked.record}; {len(checked.stored.pages)} evidence page(s) unaltered"
    )


_ID = re.compile(r"[0-9a-f]{32}")


def _quoted(value: str | None) -> str:
    if value is None:
        return "nothing"
    shown = " ".join(value.split())
    return repr(shown if len(shown) <= 80 else shown[:77] + "…")


def _shown(text: str) -> str:
    """Text from a file, quoted for one line: each character that does not print as an escape written as
    report/inert.py writes control characters (`\\x1b`, `\\x202e`), here also a zero-width space, NBSP or
    byte-order mark, since a difference may be exactly one of them; `nothing` where the document ended."""
    if not text:
        return "nothing"
    return "'" + "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text) + "'"
