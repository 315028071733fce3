"""What the reports read: an inspection as it was stored, with the evidence pages it rests on; a phone's
inspections and carrier answers over a time; every inspection since a time, streamed; and the
certificates issued.

Inspections stored before they were kept as units (no `inspection_json`, tenken before 0003) have no
verdict and are left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from tenken.facts import Carrier, DeviceFacts, LookupResult, Outcome, Seal, device_facts_from_json
from tenken.store.database import Store
from tenken.store.rows import (
    SIGNED_CERTIFICATE,
    SIGNED_CERTIFICATE_ISSUER,
    SIGNED_INSPECTION,
    aware,
    lookup_result,
    seal_of,
    signed,
)
from tenken.store.schema import certificates, inspection_lookups, inspections, lookups, manual_facts
from tenken.store.signing import KeyRing


@dataclass(frozen=True, slots=True)
class Page:
    """One carrier answer an inspection used, as the store holds it now."""

    record_id: str
    imei: str
    carrier: str
    checked_at: datetime
    stored_sha256: str | None  # the sha256 column, written with the page
    body_sha256: str | None  # recomputed from the stored body now
    found: bool = True  # False: the inspection links to an answer that is not in the store
    answer: LookupResult | None = None  # the whole answer with its seal (lookups/integrity.py checks it)

    @property
    def altered(self) -> bool:
        return self.found and self.stored_sha256 != self.body_sha256


@dataclass(frozen=True, slots=True)
class StoredInspection:
    data: dict[str, Any]  # the inspection as stored (`inspection_json`): Inspection.to_json without texts
    pages: tuple[Page, ...]  # the evidence it rests on, by look-up record id
    seal: Seal = Seal.UNSIGNED  # whether the inspection's row is still as its station signed it


@dataclass(frozen=True, slots=True)
class Answer:
    """A stored carrier answer, without its page (history)."""

    record_id: str
    imei: str
    carrier: Carrier
    outcome: Outcome
    checked_at: datetime
    sha256: str | None
    row: int  # the table's own id: orders answers stored in the same instant


def _all(query: sa.Select[Any], connection: sa.Connection) -> Sequence[sa.RowMapping]:
    return connection.execute(query).mappings().all()


def inspection_ids(store: Store, key: str) -> list[str]:
    """The inspections of a phone, newest first: `key` is an inspection id, an IMEI (either slot) or a
    serial number (any case)."""
    column = inspections.c
    query = (
        sa.select(column.record_id)
        .where(
            column.inspection_json.is_not(None),
            sa.or_(
                column.record_id == key.lower(),
                column.imei == key,
                column.imei2 == key,
                sa.func.upper(column.serial) == key.upper(),
            ),
        )
        .order_by(column.read_at.desc(), column.id.desc())
    )
    return [row["record_id"] for row in store.read(partial(_all, query))]


@dataclass(frozen=True, slots=True)
class Seen:
    """A phone the store knows: as its newest inspection read it (None when only carrier answers or facts
    recorded by hand name it)."""

    facts: DeviceFacts | None


def seen_phone(store: Store, serial: str, imei: str) -> Seen | None:
    """What the store knows of the phone with this serial number (any case) or IMEI (either slot): an
    inspection, a carrier answer about the IMEI, or a fact recorded by hand; None when nothing names it."""
    return store.read(partial(_seen, serial.strip(), imei.strip()))


def _seen(serial: str, imei: str, connection: sa.Connection) -> Seen | None:
    named = []
    if serial:
        named.append(sa.func.upper(inspections.c.serial) == serial.upper())
    if imei:
        named += [inspections.c.imei == imei, inspections.c.imei2 == imei]
    if not named:
        return None
    newest = connection.scalars(
        sa.select(inspections.c.facts_json)
        .where(sa.or_(*named))
        .order_by(inspections.c.read_at.desc(), inspections.c.id.desc())
        .limit(1)
    ).first()
    if newest is not None:
        return Seen(device_facts_from_json(json.loads(newest)))
    recorded = []
    if serial:
        recorded.append(sa.func.upper(manual_facts.c.serial) == serial.upper())
    if imei:
        recorded.append(manual_facts.c.imei == imei)
    elsewhere = [sa.select(manual_facts.c.id).where(sa.or_(*recorded)).limit(1)]
    if imei:
        elsewhere.append(sa.select(lookups.c.id).where(lookups.c.imei == imei).limit(1))
    if any(connection.scalars(query).first() is not None for query in elsewhere):
        return Seen(None)
    return None


def stored_inspection(store: Store, inspection_id: str) -> StoredInspection | None:
    """The inspection as stored and every evidence page it links to, with the page's hash recomputed and
    the seal of each row (the inspection's, each answer's)."""
    return store.read(partial(_stored, inspection_id, store.keys))


def _stored(inspection_id: str, keys: KeyRing, connection: sa.Connection) -> StoredInspection | None:
    row = (
        connection.execute(sa.select(inspections).where(inspections.c.record_id == inspection_id))
        .mappings()
        .first()
    )
    if row is None or row["inspection_json"] is None:
        return None
    text = row["inspection_json"]
    linked = connection.scalars(
        sa.select(inspection_lookups.c.lookup_record_id)
        .where(inspection_lookups.c.inspection_record_id == inspection_id)
        .order_by(inspection_lookups.c.lookup_record_id)
    ).all()
    rows = {
        row["record_id"]: row
        for row in connection.execute(sa.select(lookups).where(lookups.c.record_id.in_(linked))).mappings()
    }
    pages = []
    for record_id in dict.fromkeys(linked):
        found = rows.get(record_id)
        if found is None:
            pages.append(Page(record_id, "", "", datetime.min, None, None, found=False))
            continue
        body = found["body"]
        pages.append(
            Page(
                record_id,
                found["imei"],
                found["carrier"],
                aware(found["checked_at"]),
                found["sha256"],
                hashlib.sha256(body).hexdigest() if body is not None else None,
                answer=lookup_result(found, from_cache=False, keys=keys),
            )
        )
    return StoredInspection(json.loads(text), tuple(pages), seal_of(row, SIGNED_INSPECTION, keys))


def inspections_of(store: Store, key: str | None, since: datetime | None) -> list[dict[str, Any]]:
    """Inspections as stored, newest first: of one phone (IMEI, either slot, or serial), or of every
    phone; read at `since` or later."""
    column = inspections.c
    query = sa.select(column.inspection_json).where(column.inspection_json.is_not(None))
    if key is not None:
        query = query.where(
            sa.or_(column.imei == key, column.imei2 == key, sa.func.upper(column.serial) == key.upper())
        )
    if since is not None:
        query = query.where(column.read_at >= since)
    query = query.order_by(column.read_at.desc(), column.id.desc())
    return [json.loads(row["inspection_json"]) for row in store.read(partial(_all, query))]


def inspections_named(store: Store, text: str, limit: int = 200) -> list[dict[str, Any]]:
    """What a search finds: inspections whose IMEI (either slot), serial (any case) or stock number is
    `text`, newest first."""
    column = inspections.c
    wanted = text.strip()
    query = (
        sa.select(column.inspection_json)
        .where(
            column.inspection_json.is_not(None),
            sa.or_(
                column.imei == wanted,
                column.imei2 == wanted,
                sa.func.upper(column.serial) == wanted.upper(),
                column.stock_no == wanted,
            ),
        )
        .order_by(column.read_at.desc(), column.id.desc())
        .limit(limit)
    )
    return [json.loads(row["inspection_json"]) for row in store.read(partial(_all, query))]


def answers_for(store: Store, imeis: Sequence[str], since: datetime | None) -> list[Answer]:
    """Every stored carrier answer about these IMEIs (checked at `since` or later), newest first."""
    found: list[Answer] = []
    wanted = list(dict.fromkeys(imeis))
    for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        query = sa.select(
            lookups.c.id,
            lookups.c.record_id,
            lookups.c.imei,
            lookups.c.carrier,
            lookups.c.outcome,
            lookups.c.checked_at,
            lookups.c.sha256,
        ).where(lookups.c.imei.in_(wanted[start : start + 500]))
        if since is not None:
            query = query.where(lookups.c.checked_at >= since)
        found.extend(
            Answer(
                row["record_id"] or "",
                row["imei"],
                Carrier(row["carrier"]),
                Outcome(row["outcome"]),
                aware(row["checked_at"]),
                row["sha256"],
                row["id"],
            )
            for row in store.read(partial(_all, query))
        )
    return sorted(found, key=lambda answer: (answer.checked_at, answer.row), reverse=True)


def each_inspection(
    store: Store, since: datetime | None, until: datetime | None = None, *, latest: bool = False
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Every inspection read from `since` (up to `until`), oldest first, with the path of the newest
    certificate issued for it: streamed from the database in batches, in constant memory. With `latest`,
    only the newest of each phone (by serial, else IMEI, else device id, as re-checks group them)."""
    column = inspections.c
    newest_certificate = (
        sa.select(certificates.c.path)
        .where(certificates.c.inspection_record_id == column.record_id)
        .order_by(certificates.c.issued_at.desc(), certificates.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    wanted: list[sa.ColumnElement[bool]] = [column.inspection_json.is_not(None)]
    if since is not None:
        wanted.append(column.read_at >= since)
    if until is not None:
        wanted.append(column.read_at < until)
    if latest:
        phone = sa.func.coalesce(
            sa.func.nullif(column.serial, ""), sa.func.nullif(column.imei, ""), column.device_id
        )
        newest_first = sa.func.row_number().over(
            partition_by=phone, order_by=(column.read_at.desc(), column.id.desc())
        )
        ranked = sa.select(column.id, newest_first.label("rank")).where(*wanted).subquery()
        wanted.append(column.id.in_(sa.select(ranked.c.id).where(ranked.c.rank == 1)))
    query = (
        sa.select(column.inspection_json, newest_certificate.label("certificate"))
        .where(*wanted)
        .order_by(column.read_at, column.id)
    )
    for row in store.stream(query):
        yield json.loads(row["inspection_json"]), row["certificate"]


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate as the store keeps it: the inspection and record hash it was issued over, and what it
    shows besides the inspection, so that it can be rendered again exactly (report/html.py Options)."""

    record_id: str  # the certificate's id, written on it
    inspection_id: str
    record_sha256: str
    path: str
    issued_at: datetime
    station: str | None  # the station that issued it
    lang: str | None  # None on rows from before 0007: such a certificate cannot be rendered again
    full_imei: bool | None
    tenken_version: str | None
    channels: dict[str, dict[str, str]] | None  # channel → {"ja", "en", "short_ja", "short_en"}
    seal: Seal | None = None  # read back: whether the row is still as its station signed it
    # who issued it (from 0009; None on rows from before, whose certificates showed none of them)
    shop_name: str | None = None
    licence_authority: str | None = None  # 古物商許可: "東京都公安委員会"
    licence_number: str | None = None  # "301234567890"
    technician: str | None = None  # 担当者
    verify_url: str | None = None  # the address the QR code carries ("": the tenken: line)
    warranty: str | None = None  # from 0013: the warranty period shown beside the grade

    @property
    def renderable(self) -> bool:
        return None not in (self.lang, self.full_imei, self.tenken_version, self.channels)


def save_certificate(store: Store, issued: Issued) -> None:
    """Keep the certificate that was issued (written to `issued.path`) and what it showed."""
    row = {
        "record_id": issued.record_id,
        "inspection_record_id": issued.inspection_id,
        "record_sha256": issued.record_sha256,
        "path": issued.path,
        "issued_at": issued.issued_at,
        "station": issued.station,
        "lang": issued.lang,
        "full_imei": issued.full_imei,
        "tenken_version": issued.tenken_version,
        "channels_json": None if issued.channels is None else json.dumps(issued.channels, ensure_ascii=False),
        "shop_name": issued.shop_name,
        "licence_authority": issued.licence_authority,
        "licence_number": issued.licence_number,
        "technician": issued.technician,
        "verify_url": issued.verify_url,
        "warranty": issued.warranty or None,  # none shown: NULL, as on rows from before
    }
    store.keep(certificates, [signed(row, SIGNED_CERTIFICATE, store.keys, SIGNED_CERTIFICATE_ISSUER)])


def newest_certificate(store: Store, inspection_id: str) -> Issued | None:
    """The certificate issued last for this inspection, as the store keeps it; None when none was."""
    column = certificates.c
    query = (
        sa.select(column.record_id)
        .where(column.inspection_record_id == inspection_id)
        .order_by(column.issued_at.desc(), column.id.desc())
        .limit(1)
    )
    rows = store.read(partial(_all, query))
    return issued_certificate(store, rows[0]["record_id"]) if rows else None


def issued_certificate(store: Store, record_id: str) -> Issued | None:
    """The certificate with this id, as the store keeps it."""
    query = sa.select(certificates).where(certificates.c.record_id == record_id)
    rows = store.read(partial(_all, query))
    if not rows:
        return None
    row = rows[0]
    channels = row["channels_json"]
    return Issued(
        record_id=row["record_id"],
        inspection_id=row["inspection_record_id"],
        record_sha256=row["record_sha256"],
        path=row["path"],
        issued_at=aware(row["issued_at"]),
        station=row["station"],
        lang=row["lang"],
        full_imei=row["full_imei"],
        tenken_version=row["tenken_version"],
        channels=None if channels is None else json.loads(channels),
        seal=seal_of(row, SIGNED_CERTIFICATE, store.keys, SIGNED_CERTIFICATE_ISSUER),
        shop_name=row["shop_name"],
        licence_authority=row["licence_authority"],
        licence_number=row["licence_number"],
        technician=row["technician"],
        verify_url=row["verify_url"],
        warranty=row["warranty"],
    )
