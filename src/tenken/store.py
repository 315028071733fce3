"""Persistence with SQLAlchemy Core: carrier answers (with their raw evidence) and inspections.

SQLite under the data dir by default; any SQLAlchemy URL (postgresql://…) for a fleet of stations.
Calls are short and synchronous; async callers run them with asyncio.to_thread.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tenken.config import Settings
from tenken.errors import StoreError
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

metadata = sa.MetaData()

lookups = sa.Table(
    "lookups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("imei", sa.String(16), nullable=False),
    sa.Column("carrier", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(24), nullable=False),
    sa.Column("raw_mark", sa.Text),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("method", sa.String(8)),
    sa.Column("http_status", sa.Integer),
    sa.Column("content_type", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("body", sa.LargeBinary),
    sa.Index("ix_lookups_imei_carrier_time", "imei", "carrier", "checked_at"),
)

inspections = sa.Table(
    "inspections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("device_id", sa.Text, nullable=False),
    sa.Column("usb_location", sa.Text),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imei", sa.String(16)),
    sa.Column("imei2", sa.String(16)),
    sa.Column("facts_json", sa.Text, nullable=False),
    sa.Index("ix_inspections_imei", "imei"),
)

CACHEABLE = frozenset({Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED, Outcome.NOT_FOUND})


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save_lookups(self, results: Sequence[LookupResult]) -> None:
        """Keep fresh answers with their evidence, in one transaction. Cached answers are skipped."""
        rows = [_row_from_result(result) for result in results if not result.from_cache]
        if rows:
            with self._write() as connection:
                connection.execute(lookups.insert(), rows)

    def cached_lookups(
        self,
        imeis: Sequence[str],
        carriers: Sequence[Carrier],
        ttl: timedelta,
        pending_ttl: timedelta,
        now: datetime | None = None,
    ) -> dict[tuple[str, Carrier], LookupResult]:
        """For each (IMEI, carrier), the newest definite answer (a mark) still within its time to live.

        A △ lives `pending_ttl` (it can turn ×), the other marks `ttl`; errors are never reused.
        """
        now = now or datetime.now(UTC)
        oldest = now - max(ttl, pending_ttl)
        found: dict[tuple[str, Carrier], LookupResult] = {}
        wanted = [carrier.value for carrier in carriers]
        for start in range(0, len(imeis), 500):  # stay under SQLite's bound-parameter limit
            query = (
                sa.select(lookups)
                .where(
                    lookups.c.imei.in_(imeis[start : start + 500]),
                    lookups.c.carrier.in_(wanted),
                    lookups.c.outcome.in_([outcome.value for outcome in CACHEABLE]),
                    lookups.c.checked_at >= oldest,
                )
                .order_by(lookups.c.checked_at.desc(), lookups.c.id.desc())
            )
            with self._read() as connection:
                rows = connection.execute(query).mappings().all()
            for row in rows:
                key = (row["imei"], Carrier(row["carrier"]))
                if key in found:
                    continue  # rows come newest first
                result = _result_from_row(row, from_cache=True)
                limit = pending_ttl if result.outcome is Outcome.PENDING else ttl
                if now - result.checked_at <= limit:
                    found[key] = result
        return found

    def lookup_history(self, imei: str, carrier: Carrier | None = None) -> list[LookupResult]:
        """Every stored answer for an IMEI, newest first, with evidence bodies."""
        query = sa.select(lookups).where(lookups.c.imei == imei)
        if carrier is not None:
            query = query.where(lookups.c.carrier == carrier.value)
        query = query.order_by(lookups.c.checked_at.desc(), lookups.c.id.desc())
        with self._read() as connection:
            rows = connection.execute(query).mappings().all()
        return [_result_from_row(row, from_cache=False) for row in rows]

    def save_inspection(self, facts: DeviceFacts) -> None:
        row = {
            "platform": facts.ref.platform.value,
            "device_id": facts.ref.device_id,
            "usb_location": facts.ref.usb_location,
            "state": facts.state.value,
            "read_at": facts.read_at,
            "imei": facts.imei.value if facts.imei.known else None,
            "imei2": facts.imei2.value if facts.imei2.known else None,
            "facts_json": json.dumps(facts.to_json(), ensure_ascii=False, default=json_default),
        }
        with self._write() as connection:
            connection.execute(inspections.insert().values(**row))

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"cannot write to the database: {_first_line(error)}") from None

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"cannot read the database: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).splitlines()[0]


def _row_from_result(result: LookupResult) -> dict[str, object]:
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
    }


def _detail(stored: str | None) -> Message | None:
    """A stored detail: a Message as JSON, or the plain text older versions kept."""
    if not stored:
        return None
    try:
        found = message_from_json(json.loads(stored))
    except ValueError:
        found = None
    return found if isinstance(found, Message) else msg("lookup.stored_text", text=stored)


def _result_from_row(row: sa.RowMapping, *, from_cache: bool) -> LookupResult:
    evidence = None
    if row["url"] is not None:
        evidence = Evidence(
            url=row["url"],
            method=row["method"] or "",
            http_status=row["http_status"] or 0,
            fetched_at=_aware(row["checked_at"]),
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
        checked_at=_aware(row["checked_at"]),
        from_cache=from_cache,
    )


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def open_store(settings: Settings) -> Store:
    """The store for these settings, created on first use. One engine per URL per process."""
    url = settings.db_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            _engines[url] = engine
    return Store(engine)


def _create_engine(url: str) -> Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"--db {url!r} is neither a file path nor a database URL") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise StoreError(f"cannot create the data folder {folder}: {error.strerror}") from None
    try:
        engine = sa.create_engine(parsed, future=True)
        if parsed.get_backend_name() == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
    except sa.exc.SQLAlchemyError as error:
        where = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {where}: {_first_line(error)}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and os.name == "posix":
        path = Path(parsed.database).expanduser()
        if path.exists():
            path.chmod(0o600)  # evidence and IMEIs are a shop's business data
    return engine


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (reports) never block the station writing
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against crashes, one fsync per checkpoint
    cursor.close()


def close_all() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
