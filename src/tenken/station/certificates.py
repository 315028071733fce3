"""Certificates (点検証明書) of stored inspections: the rows a certificate rests on checked (signed, the
evidence pages unaltered), the page written (HTML, PDF on request) and kept in the store with everything
it shows besides the inspection, so that `tenken verify` can render it again. `tenken certificate`,
`tenken inspect --certificates` and `tenken demo` write them through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tenken import __version__
from tenken.config import Settings
from tenken.errors import InputError, Mismatch, NotFound, OutputError
from tenken.files import private_folder, write_private
from tenken.inspection import Inspection
from tenken.store import Store
from tenken.verdict.policy import Policy

if TYPE_CHECKING:
    from tenken.report.html import Options
    from tenken.store.records import Issued, StoredInspection

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def identified(inspection: Inspection) -> bool:
    """Whether the inspection read who the phone is (an IMEI or a serial number): a certificate names it."""
    facts = inspection.facts
    return any(fact.known and str(fact.value).strip() for fact in (facts.imei, facts.imei2, facts.serial))


def issue(
    settings: Settings,
    policy: Policy,
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
    from tenken.store.records import save_certificate

    found = checked(store, inspection_id)
    if not identified(found.inspection):
        raise InputError(
            msg("cert.no_identity", inspection=inspection_id, state=found.inspection.facts.state)
        )
    options = _options(settings, policy, found.inspection, full_imei=full_imei, technician=technician)
    page = out_dir / file_name(found.inspection)
    try:  # owner-only: a certificate may hold full IMEIs
        private_folder(out_dir)
        write_private(page, render(found.inspection, found.record, options).encode("utf-8"))
    except OSError as error:
        raise OutputError(msg("error.cannot_write_in", folder=str(out_dir), why=error.strerror)) from None
    written = [page]
    if pdf:
        from tenken.report.pdf import print_pdf

        print_pdf(page, page.with_suffix(".pdf"))
        written.append(page.with_suffix(".pdf"))
    save_certificate(store, _issued(options, inspection_id, found.record, page, settings.station.name))
    return written


@dataclass(frozen=True, slots=True)
class Checked:
    """A stored inspection whose evidence pages all still match their stored sha256, and its record hash."""

    stored: StoredInspection
    inspection: Inspection
    record: str


def checked(store: Store, inspection_id: str) -> Checked:
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
        vouched = check(answer)
        if vouched.ok:
            continue
        problem = render(vouched.problem, "en")
        what = f"the stored {answer.carrier.value} answer for IMEI …{answer.imei[-4:]} (record {answer.record_id})"
        if vouched.altered:
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


def _options(
    settings: Settings, policy: Policy, inspection: Inspection, *, full_imei: bool, technician: str | None
) -> Options:
    """A new certificate's options: now (to the second), the policy's titles of the inspection's channels,
    the shop that issues it, the technician, and where its QR code sends a buyer."""
    import uuid

    from tenken.report.html import Options
    from tenken.station.recording import os_user

    channels = policy.channels
    shown = {key: channels[key] for key in inspection.verdicts if key in channels}
    shop = settings.shop
    return Options(
        shop_name=shop.name.strip(),
        licence_authority=shop.licence_authority.strip(),
        licence_number=shop.licence,
        technician=(technician or os_user()).strip(),
        verify_url=settings.certificate.verify_url,
        warranty=shop.warranty.strip(),
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
        warranty=options.warranty,
    )


def file_name(inspection: Inspection, kind: str = "tenken", suffix: str = ".html") -> str:
    """tenken-20261130-A-12-9a806f10.html: date (JST), stock number or serial or IMEI end, inspection id
    (a label: tenken-label-…pdf)."""
    from tenken.report.labels import JST

    facts = inspection.facts
    who = inspection.stock_no or (facts.serial.value if facts.serial.known else "") or ""
    if not who and facts.imei.known:
        who = str(facts.imei.value)[-4:]
    safe = _UNSAFE.sub("_", str(who)).strip("._")[:40] or "phone"
    return f"{kind}-{inspection.started_at.astimezone(JST):%Y%m%d}-{safe}-{inspection.id[:8]}{suffix}"
