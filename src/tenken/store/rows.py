"""Between tenken's data model and table rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from tenken.facts import (
    Carrier,
    Evidence,
    LookupResult,
    Message,
    Outcome,
    Seal,
    Via,
    json_default,
    message_from_json,
    msg,
    via_of,
)
from tenken.inspection import Inspection, Recorded
from tenken.store.schema import inspection_lookups, inspections
from tenken.store.signing import KeyRing
from tenken.store.spool import Row

# The columns a signature covers: everything a row says, but the body (its sha256 is covered, and
# `Evidence.intact` checks the body against it) and the database's own id.
SIGNED_LOOKUP = (
    "imei", "carrier", "outcome", "raw_mark", "detail", "checked_at", "url", "method", "http_status",
    "content_type", "sha256", "record_id", "origin", "body_cut",
)  # fmt: skip
# Covered when not NULL (from 0012): rows kept before have none of them and still check out.
SIGNED_LOOKUP_VIA = ("via", "via_by", "screenshot_sha256", "page_sha256")
SIGNED_INSPECTION = (
    "record_id", "platform", "device_id", "state", "read_at", "imei", "imei2", "serial", "station",
    "facts_json", "verdicts_json", "inspection_json", "finished_at", "policy_sha256", "stock_no",
)  # fmt: skip
SIGNED_CERTIFICATE = (
    "record_id", "inspection_record_id", "record_sha256", "issued_at", "station", "lang", "full_imei",
    "tenken_version", "channels_json",
)  # fmt: skip
# Covered when not NULL: rows signed before 0009 have none of them and still check out; setting one on
# such a row, or clearing one a newer row was signed with, breaks the signature.
SIGNED_CERTIFICATE_ISSUER = (
    "shop_name", "licence_authority", "licence_number", "technician", "verify_url", "warranty",
)  # fmt: skip
SIGNED_RECORDED = (
    "serial", "imei", "fact", "value_json", "what", "recorded_by", "recorded_at", "evidence_name",
    "evidence_sha256", "record_id",
)  # fmt: skip


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def signed(
    row: dict[str, object], columns: Sequence[str], keys: KeyRing, optional: Sequence[str] = ()
) -> dict[str, object]:
    row["signed_by"], row["signature"] = keys.seal(_covered(row, columns, optional))
    return row


def seal_of(row: sa.RowMapping, columns: Sequence[str], keys: KeyRing, optional: Sequence[str] = ()) -> Seal:
    return keys.check(_covered(row, columns, optional), row["signed_by"], row["signature"])


def _covered(
    row: Mapping[str, object] | sa.RowMapping, columns: Sequence[str], optional: Sequence[str]
) -> dict[str, object]:
    """The fields a signature covers: every column named, and each optional one that is not NULL."""
    fields = {column: row[column] for column in columns}
    fields.update({column: row[column] for column in optional if row[column] is not None})
    return fields


def lookup_row(result: LookupResult, keys: KeyRing) -> dict[str, object]:
    evidence = result.evidence
    row: dict[str, object] = {
        "imei": result.imei,
        "carrier": result.carrier.value,
        "outcome": result.outcome.value,
        "raw_mark": result.raw_mark,
        "detail": json.dumps(result.detail, default=json_default, ensure_ascii=False)
        if result.detail
        else "",
        "checked_at": result.checked_at,
        "url": evidence.url if evidence else None,
        "method": evidence.method if evidence else None,
        "http_status": evidence.http_status if evidence else None,
        "content_type": evidence.content_type if evidence else None,
        "sha256": evidence.sha256 if evidence else None,
        "body": evidence.body if evidence else None,
        "record_id": result.record_id,
        "origin": result.origin or None,
        "body_cut": bool(evidence and evidence.cut),
        "via": result.via.value,
        "via_by": result.by or None,
        "screenshot": evidence.screenshot if evidence else None,
        "screenshot_sha256": (evidence.screenshot_sha256 or None) if evidence else None,
        "page": evidence.page if evidence else None,
        "page_sha256": (evidence.page_sha256 or None) if evidence else None,
    }
    return signed(row, SIGNED_LOOKUP, keys, SIGNED_LOOKUP_VIA)


def _detail(stored: str | None) -> Message | None:
    """A stored detail: a Message as JSON, or the plain text versions before 0.2 kept."""
    if not stored:
        return None
    try:
        found = message_from_json(json.loads(stored))
    except ValueError:
        found = None
    return found if isinstance(found, Message) else msg("lookup.stored_text", text=stored)


def lookup_result(row: sa.RowMapping, *, from_cache: bool, keys: KeyRing | None = None) -> LookupResult:
    """The answer a row holds; with `keys`, whether the row is still as its station signed it."""
    evidence = None
    if row["url"] is not None:
        evidence = Evidence(
            url=row["url"],
            method=row["method"] or "",
            http_status=row["http_status"] or 0,
            fetched_at=aware(row["checked_at"]),
            body=row["body"] or b"",
            content_type=row["content_type"] or "",
            sha256=row["sha256"] or "",  # as recorded when it arrived; `intact` checks the body against it
            cut=bool(row["body_cut"]),
            screenshot=_bytes(row, "screenshot"),
            screenshot_sha256=_extra_sha256(row, "screenshot"),
            page=_bytes(row, "page"),
            page_sha256=_extra_sha256(row, "page"),
        )
    detail = _detail(row["detail"])
    if _extra(row, "via"):
        via, by = Via(row["via"]), row["via_by"] or ""
    else:  # kept before 0012: how it was obtained is read from what it kept
        via, by = via_of(row["origin"] or "", row["method"], row["url"], detail)
    return LookupResult(
        imei=row["imei"],
        carrier=Carrier(row["carrier"]),
        outcome=Outcome(row["outcome"]),
        raw_mark=row["raw_mark"],
        detail=detail,
        evidence=evidence,
        checked_at=aware(row["checked_at"]),
        from_cache=from_cache,
        record_id=row["record_id"] or "",
        origin=row["origin"] or "",
        seal=seal_of(row, SIGNED_LOOKUP, keys, _present(row, SIGNED_LOOKUP_VIA))
        if keys is not None
        else None,
        via=via,
        by=by,
    )


def lookup_fields(row: Mapping[str, object] | sa.RowMapping) -> dict[str, object]:
    """What a stored answer's signature covers."""
    return _covered(row, SIGNED_LOOKUP, _present(row, SIGNED_LOOKUP_VIA))


def _extra(row: Mapping[str, object] | sa.RowMapping, column: str) -> object:
    """A column added after the query's table was written (from 0012), or None where a query left it out."""
    return row.get(column)


def _bytes(row: sa.RowMapping, column: str) -> bytes | None:
    found = _extra(row, column)
    return bytes(found) if isinstance(found, bytes | memoryview) else None


def _extra_sha256(row: sa.RowMapping, column: str) -> str:
    return str(_extra(row, f"{column}_sha256") or "")


def _present(row: Mapping[str, object] | sa.RowMapping, columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(column for column in columns if column in row)


def inspection_batch(units: Sequence[Inspection], keys: KeyRing) -> list[tuple[sa.Table, Row]]:
    """The rows that keep inspections as units: one per inspection (signed), one per carrier answer it
    used (the inspection names each answer's record id and page hash, so a link moved is seen)."""
    batch: list[tuple[sa.Table, Row]] = []
    for unit in units:
        batch.append((inspections, signed(inspection_row(unit), SIGNED_INSPECTION, keys)))
        for result in unit.results():
            if result.record_id:  # answers stored before record ids existed cannot be linked
                link = hashlib.sha256(f"{unit.id}:{result.record_id}".encode()).hexdigest()[:32]
                batch.append(
                    (
                        inspection_lookups,
                        {
                            "inspection_record_id": unit.id,
                            "lookup_record_id": result.record_id,
                            "record_id": link,
                        },
                    )
                )
    return batch


def inspection_row(unit: Inspection) -> Row:
    facts = unit.facts
    return {
        "platform": facts.ref.platform.value,
        "device_id": facts.ref.device_id,
        "usb_location": facts.ref.usb_location,
        "state": facts.state.value,
        "read_at": facts.read_at,
        "imei": facts.imei.value if facts.imei.known else None,
        "imei2": facts.imei2.value if facts.imei2.known else None,
        "facts_json": _json(facts.to_json()),
        "record_id": unit.id,
        "serial": facts.serial.value if facts.serial.known else None,
        "station": unit.station,
        "tenken_version": unit.tenken_version,
        "policy_name": unit.policy_name,
        "policy_sha256": unit.policy_sha256,
        "stock_no": unit.stock_no or None,
        "finished_at": unit.finished_at,
        "verdicts_json": _json({channel: verdict.to_json() for channel, verdict in unit.verdicts.items()}),
        "inspection_json": _json(unit.to_json()),
    }


def recorded_row(fact: Recorded, keys: KeyRing) -> Row:
    row: Row = {
        "serial": fact.serial or None,
        "imei": fact.imei or None,
        "fact": fact.fact,
        "value_json": json.dumps(fact.value),
        "what": fact.what,
        "recorded_by": fact.recorded_by,
        "recorded_at": fact.recorded_at,
        "evidence_name": fact.evidence_name or None,
        "evidence_sha256": fact.evidence_sha256 or None,
        "evidence": fact.evidence,
        "record_id": fact.record_id,
    }
    return signed(row, SIGNED_RECORDED, keys)


def recorded_from_row(row: sa.RowMapping, keys: KeyRing | None = None) -> Recorded:
    return Recorded(
        fact=row["fact"],
        value=json.loads(row["value_json"]),
        what=row["what"],
        recorded_by=row["recorded_by"],
        recorded_at=aware(row["recorded_at"]),
        serial=row["serial"] or "",
        imei=row["imei"] or "",
        evidence_name=row["evidence_name"] or "",
        evidence_sha256=row["evidence_sha256"] or "",
        evidence=row["evidence"],
        record_id=row["record_id"] or "",
        seal=seal_of(row, SIGNED_RECORDED, keys) if keys is not None else None,
    )


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_default)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A webhook message a station owes its receiver (the outbox row)."""

    key: str  # the idempotency key: an inspection id, or an inspection id and what changed
    station: str
    event: str  # "inspection.finished", "inspection.changed"
    body: str  # exactly the bytes signed and sent (UTF-8 JSON)
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None


def outgoing_row(message: Outgoing) -> Row:
    return {
        "record_id": message.key,
        "station": message.station,
        "event": message.event,
        "body": message.body,
        "created_at": message.created_at,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at or message.created_at,
        "sent_at": None,
        "last_error": None,
    }


def outgoing_from_row(row: sa.RowMapping) -> Outgoing:
    return Outgoing(
        key=row["record_id"],
        station=row["station"],
        event=row["event"],
        body=row["body"],
        created_at=aware(row["created_at"]),
        attempts=row["attempts"] or 0,
        next_attempt_at=aware(row["next_attempt_at"]),
    )
