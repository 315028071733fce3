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
from tenken.facts import msg
from tenken.files import private_folder, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from tenken.inspection import Inspection
    from tenken.report.html import Options
    from tenken.store import Store
    from tenken.store.records import Issued, StoredInspection

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
@click.option("--by", "technician", help="The technician (担当者) on it (default: the user running tenken).")
@pass_app
def certificate(
    app: AppContext, key: str, out_dir: Path, full_imei: bool, pdf: bool, technician: str | None
) -> None:
    """Write the inspection certificate (点検証明書) of a phone's newest inspection, or of the inspection
    with that id: one self-contained HTML file for A4 paper, in Japanese and English, with the shop that
    issues it ([shop] in the configuration) and a QR code that carries the record hash, or the shop's
    page that checks it (certificate.verify_url; `tenken verify` checks it here)."""
    from tenken.store import open_store
    from tenken.store.records import inspection_ids

    with open_store(app.settings) as store:
        found = inspection_ids(store, key.strip())
        if not found:
            raise NotFound(msg("error.no_inspection", key=key.strip()))
        written = issue(app, store, found[0], out_dir, full_imei=full_imei, pdf=pdf, technician=technician)
        for path in written:
            click.echo(f"wrote {path}")


def issue_for(app: AppContext, inspections: Sequence[Inspection], out_dir: Path, console: Console) -> None:
    """`tenken inspect --certificates DIR`: a certificate for each phone just inspected and stored, but
    for a phone whose identity was not read (one line each says why)."""
    from tenken.facts import msg
    from tenken.report.labels import render
    from tenken.report.terminal import outside
    from tenken.store import open_store

    with open_store(app.settings) as store:
        for inspection in inspections:
            if not identified(inspection):
                said = msg("cert.skipped", phone=inspection.facts.ref.device_id, state=inspection.facts.state)
                console.print(outside(render(said, app.lang)), style="yellow")
                continue
            for path in issue(app, store, inspection.id, out_dir, full_imei=False, pdf=False):
                console.print(f"certificate: {path}", style="dim", markup=False, highlight=False)


def identified(inspection: Inspection) -> bool:
    """Whether the inspection read who the phone is (an IMEI or a serial number): a certificate names it."""
    facts = inspection.facts
    return any(fact.known and str(fact.value).strip() for fact in (facts.imei, facts.imei2, facts.serial))


def issue(
    app: AppContext,
    store: Store,
    inspection_id: str,
    out_dir: Path,
    *,
    full_imei: bool,
    pdf: bool,
    technician: str | None = None,
) -> list[Path]:
    """Write the certificate of a stored inspection (and its PDF), keep it in the store with everything
    it shows besides the inspection (so `tenken verify` can render it again); the paths. Refused (one
    line, exit 65) for an inspection that read neither an IMEI nor a serial number."""
    from tenken.facts import msg
    from tenken.report.html import certificate as render
    from tenken.report.labels import render as words
    from tenken.store.records import save_certificate

    checked = _checked(store, inspection_id)
    if not identified(checked.inspection):
        said = msg("cert.no_identity", inspection=inspection_id, state=checked.inspection.facts.state)
        raise InputError(words(said, app.lang))
    options = _options(app, checked.inspection, full_imei=full_imei, technician=technician)
    page = out_dir / _file_name(checked.inspection)
    try:  # owner-only: a certificate may hold full IMEIs
        private_folder(out_dir)
        write_private(page, render(checked.inspection, checked.record, options).encode("utf-8"))
    except OSError as error:
        raise OutputError(msg("error.cannot_write_in", folder=str(out_dir), why=error.strerror)) from None
    written = [page]
    if pdf:
        from tenken.report.pdf import print_pdf

        print_pdf(page, page.with_suffix(".pdf"))
        written.append(page.with_suffix(".pdf"))
    save_certificate(store, _issued(options, inspection_id, checked.record, page, app.settings.station.name))
    return written


@dataclass(frozen=True, slots=True)
class Checked:
    """A stored inspection whose evidence pages all still match their stored sha256, and its record hash."""

    stored: StoredInspection
    inspection: Inspection
    record: str


def _checked(store: Store, inspection_id: str) -> Checked:
    """The stored inspection, after checking the rows it rests on (`_unsound`), and its record hash.
    Raises Mismatch naming the first row that does not check out."""
    from tenken.inspection import inspection_from_json
    from tenken.report.record import record_sha256
    from tenken.store.records import stored_inspection

    stored = stored_inspection(store, inspection_id)
    if stored is None:
        raise NotFound(f"inspection {inspection_id} is not in the database {store.where}")
    inspection = inspection_from_json(stored.data)
    _vouch(inspection_id, stored)
    problem = _unsound(inspection_id, stored, inspection)
    if problem is not None:
        raise Mismatch(problem)
    pages = {page.record_id: page.stored_sha256 for page in stored.pages}
    return Checked(stored, inspection, record_sha256(stored.data, pages))


def _vouch(inspection_id: str, stored: StoredInspection) -> None:
    """The rows a certificate rests on must be as their station signed them: the inspection and every
    carrier answer it used (lookups/integrity.py reads each kept page again). A row changed after it was
    kept raises EvidenceAltered (exit 5); one this station cannot vouch for (unsigned: kept by an earlier
    tenken; signed with a key not held here) raises Mismatch (exit 1)."""
    from tenken.errors import EvidenceAltered
    from tenken.facts import Seal
    from tenken.lookups.integrity import check
    from tenken.report.labels import render

    if stored.seal is Seal.BROKEN:
        raise EvidenceAltered(
            f"inspection {inspection_id} was changed in the database after its station signed it: "
            "it proves nothing; inspect the phone again"
        )
    if stored.seal is not Seal.SIGNED:
        raise Mismatch(
            f"inspection {inspection_id} is {stored.seal.value} (kept by an earlier tenken, or signed by a "
            "station whose key is not held here): this station cannot vouch for it; inspect the phone again"
        )
    for page in stored.pages:
        answer = page.answer
        if answer is None:
            continue
        checked = check(answer)
        if checked.ok:
            continue
        problem = render(checked.problem, "en")
        what = f"the stored {answer.carrier.value} answer for IMEI …{answer.imei[-4:]} (record {answer.record_id})"
        if checked.altered:
            raise EvidenceAltered(
                f"{what} is not what was kept: {problem}; see tenken evidence {answer.imei}"
            )
        raise Mismatch(f"{what} cannot be vouched for here: {problem}")


def _unsound(inspection_id: str, stored: StoredInspection, inspection: Inspection) -> str | None:
    """What is wrong with the stored rows an inspection's certificate rests on, or None: every evidence
    page it links to is there, has the sha256 written with it, and is the page the inspection names.
    (Whether the rows are as their station signed them: `_vouch`.) An altered page is a Mismatch (exit 1),
    as docs/reports.md says."""
    for page in stored.pages:
        if not page.found:
            return (
                f"the evidence page {page.record_id} of inspection {inspection_id} is missing from the store"
            )
        if page.altered:
            return (
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
            return (
                f"inspection {inspection_id} names the {asked.carrier.value} page {asked.evidence_sha256} but "
                f"the store holds {pages[result.record_id]} for record {result.record_id}"
            )
    return None


def _options(app: AppContext, inspection: Inspection, *, full_imei: bool, technician: str | None) -> Options:
    """A new certificate's options: now (to the second), the policy's titles of the inspection's channels,
    the shop that issues it, the technician, and where its QR code sends a buyer."""
    import uuid

    from tenken.report.html import Options

    channels = app.policy().channels
    shown = {key: channels[key] for key in inspection.verdicts if key in channels}
    shop = app.settings.shop
    return Options(
        shop_name=shop.name.strip(),
        licence_authority=shop.licence_authority.strip(),
        licence_number=shop.licence,
        technician=(technician or _user()).strip(),
        verify_url=app.settings.certificate.verify_url,
        certificate_id=uuid.uuid4().hex,
        issued_at=datetime.now(UTC).replace(microsecond=0),
        full_imei=full_imei,
        lang="ja",
        generator=__version__,
        titles={key: (channel.title("ja"), channel.title("en")) for key, channel in shown.items()},
        short={
            key: (channel.title("ja", short=True), channel.title("en", short=True))
            for key, channel in shown.items()
        },
    )


def _issued(options: Options, inspection_id: str, record: str, page: Path, station: str) -> Issued:
    """The certificates row of a certificate just written: its options, as plain data."""
    from tenken.store.records import Issued

    return Issued(
        record_id=options.certificate_id,
        inspection_id=inspection_id,
        record_sha256=record,
        path=str(page.resolve()),
        issued_at=options.issued_at,
        station=station,
        lang=options.lang,
        full_imei=options.full_imei,
        tenken_version=options.generator,
        channels={
            key: {"ja": ja, "en": en, "short_ja": options.short[key][0], "short_en": options.short[key][1]}
            for key, (ja, en) in options.titles.items()
        },
        shop_name=options.shop_name,
        licence_authority=options.licence_authority,
        licence_number=options.licence_number,
        technician=options.technician,
        verify_url=options.verify_url,
    )


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


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
        checked = _checked(store, inspection_id)
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
