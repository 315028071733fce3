"""Between tenken's data model and table rows."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from tenken.facts import (
    Carrier,
    DeviceFacts,
    Evidence,
    LookupResult,
    Message,
    Outcome,
    json_default,
    message_from_json,
    msg,
)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lookup_row(result: LookupResult) -> dict[str, object]:
    evidence = result.evidence
    return {
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
        "record_id": uuid.uuid4().hex,
    }


def _detail(stored: str | None) -> Message | None:
    """A stored detail: a Message as JSON, or the plain text versions before 0.2 kept."""
    if not stored:
        return None
    try:
        found = message_from_json(json.loads(stored))
    except ValueError:
        found = None
    return found if isinstance(found, Message) else msg("lookup.stored_text", text=stored)


def lookup_result(row: sa.RowMapping, *, from_cache: bool) -> LookupResult:
    evidence = None
    if row["url"] is not None:
        evidence = Evidence(
            url=row["url"],
            method=row["method"] or "",
            http_status=row["http_status"] or 0,
            fetched_at=aware(row["checked_at"]),
            body=row["body"] or b"",
            content_type=row["content_type"] or "",
        )
    return LookupResult(
        imei=row["imei"],
        carrier=Carrier(row["carrier"]),
        outcome=Outcome(row["outcome"]),
        raw_mark=row["raw_mark"],
        detail=_detail(row["detail"]),
        evidence=evidence,
        checked_at=aware(row["checked_at"]),
        from_cache=from_cache,
    )


def inspection_row(facts: DeviceFacts) -> dict[str, object]:
    return {
        "platform": facts.ref.platform.value,
        "device_id": facts.ref.device_id,
        "usb_location": facts.ref.usb_location,
        "state": facts.state.value,
        "read_at": facts.read_at,
        "imei": facts.imei.value if facts.imei.known else None,
        "imei2": facts.imei2.value if facts.imei2.known else None,
        "facts_json": json.dumps(facts.to_json(), ensure_ascii=False, default=json_default),
        "record_id": uuid.uuid4().hex,
    }
