"""The Store: carrier answers (with their raw evidence) and inspections, in the configured database.

A Store owns its engine: open it from the settings, use it (also as a context manager), close it.
Calls are short and synchronous; async callers run them in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.facts import Carrier, DeviceFacts, LookupResult, Outcome
from tenken.store import engine as engines
from tenken.store.migrate import ensure_schema
from tenken.store.rows import inspection_row, lookup_result, lookup_row
from tenken.store.schema import inspections, lookups
from tenken.store.urls import masked

T = TypeVar("T")


class Store:
    def __init__(self, settings: Settings) -> None:
        """Open the database, creating or migrating its tables first if needed."""
        self.where = masked(settings.db_url)
        self.engine = engines.create(settings)
        server = self.engine.dialect.name != "sqlite"  # a SQLite file does not come back by waiting
        self.patience = settings.db_reconnect_seconds if server else 0.0
        try:
            ensure_schema(self.engine, patience=self.patience)
        except engines.DatabaseFailed as error:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.where}: {error}") from None
        except BaseException:
            self.engine.dispose()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection. The Store cannot be used afterwards."""
        self.engine.dispose()

    def save_lookups(self, results: Sequence[LookupResult]) -> None:
        """Keep fresh answers with their evidence, in one transaction. Cached answers are skipped."""
        rows = [lookup_row(result) for result in results if not result.from_cache]
        if rows:
            self._write(lambda connection: connection.execute(lookups.insert(), rows))

    def save_inspections(self, results: Sequence[DeviceFacts]) -> None:
        """Keep what was read from each phone, in one transaction."""
        rows = [inspection_row(facts) for facts in results]
        if rows:
            self._write(lambda connection: connection.execute(inspections.insert(), rows))

    def cached_lookups(
        self,
        imeis: Sequence[str],
        carriers: Sequence[Carrier],
        ttl: timedelta,
        pending_ttl: timedelta,
        now: datetime | None = None,
    ) -> dict[tuple[str, Carrier], LookupResult]:
        """For each (IMEI, carrier), the newest stored answer, when it is a mark still within its time to
        live. A △ lives `pending_ttl` (it can turn ×), the other marks `ttl`.

        Only the newest answer counts, whatever it was: behind an expired mark, or behind an error (the
        last ask failed), an older mark is stale too and is never served. No entry means: ask again.
        """
        now = now or datetime.now(UTC)
        oldest = now - max(ttl, pending_ttl)  # anything older cannot be served, nor hide what can
        found: dict[tuple[str, Carrier], LookupResult] = {}
        seen: set[tuple[str, Carrier]] = set()
        wanted = [carrier.value for carrier in carriers]
        for start in range(0, len(imeis), 500):  # stay under SQLite's bound-parameter limit
            query = (
                sa.select(lookups)
                .where(
                    lookups.c.imei.in_(imeis[start : start + 500]),
                    lookups.c.carrier.in_(wanted),
                    lookups.c.checked_at >= oldest,
                )
                .order_by(lookups.c.checked_at.desc(), lookups.c.id.desc())
            )
            for row in self._read(partial(_all, query)):
                key = (row["imei"], Carrier(row["carrier"]))
                if key in seen:
                    continue  # rows come newest first: this one is older than the answer that counts
                seen.add(key)
                result = lookup_result(row, from_cache=True)
                limit = pending_ttl if result.outcome is Outcome.PENDING else ttl
                if result.outcome.is_mark and now - result.checked_at <= limit:
                    found[key] = result
        return found

    def lookup_history(self, imei: str, carrier: Carrier | None = None) -> list[LookupResult]:
        """Every stored answer for an IMEI, newest first, with evidence bodies."""
        query = sa.select(lookups).where(lookups.c.imei == imei)
        if carrier is not None:
            query = query.where(lookups.c.carrier == carrier.value)
        query = query.order_by(lookups.c.checked_at.desc(), lookups.c.id.desc())
        rows = self._read(partial(_all, query))
        return [lookup_result(row, from_cache=False) for row in rows]

    def _write(self, work: Callable[[sa.Connection], object]) -> None:
        try:
            engines.transact(self.engine, work, write=True, patience=self.patience)
        except engines.DatabaseFailed as error:
            raise StoreError(f"cannot write to the database {self.where}: {error}") from None

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        try:
            return engines.transact(self.engine, work, write=False, patience=self.patience)
        except engines.DatabaseFailed as error:
            raise StoreError(f"cannot read the database {self.where}: {error}") from None


def _all(query: sa.Select[Any], connection: sa.Connection) -> Sequence[sa.RowMapping]:
    return connection.execute(query).mappings().all()


def open_store(settings: Settings) -> Store:
    """The store for these settings; the caller closes it (or uses it in a `with` block)."""
    return Store(settings)
