"""What the reports read: an inspection as it was stored, with the evidence pages it rests on; a phone's
inspections and carrier answers over a time; every inspection since a time, streamed; and the
certificates issued.

Inspections stored before they were kept as units (no `inspection_json`, tenken before 0003) have no
verdict and are left out.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from tenken.facts import Carrier, Outcome
from tenken.store.database import Store
from tenken.store.rows import aware
from tenken.store.schema import certificates, inspection_lookups, inspections, lookups


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

    @property
    def altered(self) -> bool:
        return self.found and self.stored_sha256 != self.body_sha256


@dataclass(frozen=True, slots=True)
class StoredInspection:
    data: dict[str, Any]  # the inspection as stored (`inspection_json`): Inspection.to_json without texts
    pages: tuple[Page, ...]  # the evidence it rests on, by look-up record id


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


def stored_inspection(store: Store, inspection_id: str) -> StoredInspection | None:
    """The inspection as stored and every evidence page it links to, with the page's hash recomputed."""
    return store.read(partial(_stored, inspection_id))


def _stored(inspection_id: str, connection: sa.Connection) -> StoredInspection | None:
    text = connection.scalar(
        sa.select(inspections.c.inspection_json).where(inspections.c.record_id == inspection_id)
    )
    if text is None:
        return None
    linked = connection.scalars(
        sa.select(inspection_lookups.c.lookup_record_id)
        .where(inspection_lookups.c.inspection_record_id == inspection_id)
        .order_by(inspection_lookups.c.lookup_record_id)
    ).all()
    rows = {
        row["record_id"]: row
        for row in connection.execute(
            sa.select(
                lookups.c.record_id,
                lookups.c.imei,
                lookups.c.carrier,
                lookups.c.checked_at,
                lookups.c.sha256,
                lookups.c.body,
            ).where(lookups.c.record_id.in_(linked))
        ).mappings()
    }
    pages = []
    for record_id in dict.fromkeys(linked):
        row = rows.get(record_id)
        if row is None:
            pages.append(Page(record_id, "", "", datetime.min, None, None, found=False))
            continue
        body = row["body"]
        pages.append(
            Page(
                record_id,
                row["imei"],
                row["carrier"],
                aware(row["checked_at"]),
                row["sha256"],
                hashlib.sha256(body).hexdigest() if body is not None else None,
            )
        )
    return StoredInspection(json.loads(text), tuple(pages))


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
    store: Store, since: datetime | None, until: datetime | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Every inspection read from `since` (up to `until`), oldest first, with the path of the newest
    certificate issued for it: streamed from the database in batches, in constant memory."""
    newest_certificate = (
        sa.select(certificates.c.path)
        .where(certificates.c.inspection_record_id == inspections.c.record_id)
        .order_by(certificates.c.issued_at.desc(), certificates.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = sa.select(inspections.c.inspection_json, newest_certificate.label("certificate")).where(
        inspections.c.inspection_json.is_not(None)
    )
    if since is not None:
        query = query.where(inspections.c.read_at >= since)
    if until is not None:
        query = query.where(inspections.c.read_at < until)
    query = query.order_by(inspections.c.read_at, inspections.c.id)
    for row in store.stream(query):
        yield json.loads(row["inspection_json"]), row["certificate"]


def save_certificate(
    store: Store, inspection_id: str, record_sha256: str, path: str, issued_at: datetime, station: str
) -> None:
    """Keep a note that a certificate was issued (written to `path`)."""
    row = {
        "inspection_record_id": inspection_id,
        "record_sha256": record_sha256,
        "path": path,
        "issued_at": issued_at,
        "station": station,
        "record_id": uuid.uuid4().hex,
    }
    store.keep(certificates, [row])
