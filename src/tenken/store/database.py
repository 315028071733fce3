"""The Store: carrier answers (with their raw evidence) and inspections, in the configured database.

A Store owns its engine: open it from the settings, use it (also as a context manager), close it.
Calls are short and synchronous; async callers run them in a thread.

Nothing handed to the Store is lost when the database fails: what it cannot write goes to the spool
(spool.py) and `Spooled` says so; every open and every write first puts what waits there in the
database, in the same transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa

from tenken.config import Settings
from tenken.errors import Spooled, StoreError
from tenken.facts import (
    MANUAL_ORIGIN,
    Carrier,
    DeviceFacts,
    LookupResult,
    Outcome,
    Provenance,
    Seal,
    device_facts_from_json,
    msg,
)
from tenken.inspection import Earlier, Inspection, Recorded, inspection_from_json
from tenken.store import engine as engines
from tenken.store.health import StoreHealth
from tenken.store.migrate import ensure_schema
from tenken.store.rows import (
    SIGNED_INSPECTION,
    Outgoing,
    aware,
    inspection_batch,
    lookup_result,
    lookup_row,
    outgoing_from_row,
    outgoing_row,
    recorded_from_row,
    recorded_row,
    seal_of,
)
from tenken.store.schema import inspections, lookups, manual_facts, site_turns, webhook_outbox
from tenken.store.signing import KeyRing
from tenken.store.spool import Batch, Spool
from tenken.store.urls import masked

T = TypeVar("T")

log = logging.getLogger(__name__)


class Store:
    def __init__(self, settings: Settings) -> None:
        """Open the database, creating or migrating its tables first if needed, and write what waits
        in the spool."""
        self.where = masked(settings.db_url)
        self.spool = Spool(settings.spool_path)
        self.health = StoreHealth()  # what waits in the spool and why, what was lost: one place
        self.keys = KeyRing.load(settings.data_path)  # signs what this station keeps; checks what it reads
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
        self._said: tuple[str, str] | None = None
        try:
            self._insert([])
        except engines.DatabaseFailed as error:  # read-only, say: the next write reports it too
            self._stays(error)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    @property
    def shared(self) -> bool:
        """A server database (PostgreSQL) a fleet of stations may share; not a station's SQLite file."""
        return self.engine.dialect.name != "sqlite"

    def close(self) -> None:
        """Close every connection. The Store cannot be used afterwards."""
        self.engine.dispose()

    def save_lookups(self, results: Sequence[LookupResult]) -> None:
        """Keep fresh answers with their evidence, in one transaction. Cached answers are skipped.
        Raises Spooled when they went to the spool instead, StoreError when not even there."""
        rows = [lookup_row(result, self.keys) for result in results if not result.from_cache]
        if rows:
            self._keep([(lookups, row) for row in rows])

    def save_inspections(self, results: Sequence[Inspection], messages: Sequence[Outgoing] = ()) -> None:
        """Keep each inspection as one unit (what was read, the verdicts, links to the carrier answers
        it used), with the webhook messages it owes, all in one transaction; raises like save_lookups."""
        if results or messages:
            rows = inspection_batch(results, self.keys)
            self._keep([*rows, *((webhook_outbox, outgoing_row(m)) for m in messages)])

    def drain(self) -> bool:
        """Write what waits in the spool now (a long-running station calls it; a failure is logged).
        True when the database answered and nothing waits in the spool any more (the health's trouble is
        then over, unless a failure came meanwhile)."""
        turn = self.health.begin()
        try:
            self._insert([])
            if self.waiting():
                return False  # written to meanwhile: the next drain takes it
            engines.transact(
                self.engine,
                lambda connection: connection.execute(sa.text("SELECT 1")),
                write=False,
                patience=0,
            )
        except engines.DatabaseFailed as error:
            self._stays(error)
            return False
        self.health.recovered(turn)
        return True

    def _stays(self, error: engines.DatabaseFailed) -> None:
        """Rows wait in the spool and the database does not take them: say why. A warning, so a person
        sees it without -v (the command line shows it as one line, in their language); said again only
        when the reason changes, since a running station tries every few seconds."""
        why = msg(
            "store.spool_stays",
            rows=self.spool.rows(),
            spool=str(self.spool.path),
            where=self.where,
            problem=str(error),
        )
        self.health.stays(why)
        reason = (self.where, str(error))
        log.log(
            logging.INFO if reason == self._said else logging.WARNING,
            "the spool %s stays: cannot write it to the database %s: %s",
            self.spool.path,
            self.where,
            error,
            extra={"notice": why},
        )
        self._said = reason

    def waiting(self) -> bool:
        """Whether rows wait in the spool (a hint: without the spool's lock)."""
        try:
            return self.spool.path.stat().st_size > 0
        except OSError:
            return False

    def earlier_in_use(self, facts: DeviceFacts, before: datetime) -> Earlier | None:
        """The newest earlier inspection of this phone (same serial and IMEIs) that read it in use, with
        the owner lock measured: an erased phone cannot show its owner lock, that reading can. A device
        measured without cellular (a Wi-Fi-only iPad) has no IMEI: its serial alone, read so both times."""
        serial = facts.serial.value if facts.serial.known else None
        imeis = set(facts.imeis())
        wifi_only = facts.without_cellular()
        if not serial or not (imeis or wifi_only):
            return None
        query = (
            sa.select(inspections)
            .where(inspections.c.serial == serial, inspections.c.read_at < before)
            .order_by(inspections.c.read_at.desc(), inspections.c.id.desc())
            .limit(50)
        )
        for row in self._read(partial(_all, query)):
            if not self._vouched(row):
                continue  # the read that would make an erased phone sellable must be the one kept
            earlier = device_facts_from_json(json.loads(row["facts_json"]))
            same_phone = (
                set(earlier.imeis()) == imeis
                and earlier.serial.value == serial
                and earlier.without_cellular() == wifi_only
            )
            in_use = earlier.setup_complete.known and earlier.setup_complete.value is True
            if same_phone and in_use and earlier.owner_lock.provenance is Provenance.MEASURED:
                return Earlier(row["record_id"], aware(row["read_at"]), earlier)
        return None

    def save_recorded(self, fact: Recorded) -> None:
        """Keep a fact a technician read off the phone or its box (tenken record)."""
        self._keep([(manual_facts, recorded_row(fact, self.keys))])

    def recorded_for(self, serial: str | None, imeis: Sequence[str]) -> list[Recorded]:
        """The facts recorded by hand for a phone (by serial or IMEI), oldest first, each with its seal
        (what a person entered counts only while it is as their station signed it: the caller decides)."""
        wanted = []
        if serial:
            wanted.append(manual_facts.c.serial == serial)
        if imeis:
            wanted.append(manual_facts.c.imei.in_(list(imeis)))
        if not wanted:
            return []
        query = (
            sa.select(manual_facts)
            .where(sa.or_(*wanted))
            .order_by(manual_facts.c.recorded_at, manual_facts.c.id)
        )
        return [recorded_from_row(row, self.keys) for row in self._read(partial(_all, query))]

    def inspection_seal(self, row: sa.RowMapping) -> Seal:
        """Whether an inspections row is still as its station signed it."""
        return seal_of(row, SIGNED_INSPECTION, self.keys)

    def _vouched(self, row: sa.RowMapping) -> bool:
        seal = self.inspection_seal(row)
        if seal is not Seal.SIGNED:
            log.warning(
                "the stored inspection %s (%s) is not used: it is %s (tenken history; docs/station.md)",
                row["record_id"],
                row["serial"] or row["imei"] or row["device_id"],
                seal.value,
            )
        return seal is Seal.SIGNED

    def latest_inspections(self, since: datetime) -> list[Inspection]:
        """The newest inspection of each phone (by serial, else IMEI, else device id) finished since
        `since`, newest first: what a re-check looks at."""
        query = (
            sa.select(inspections)
            .where(inspections.c.finished_at >= since, inspections.c.inspection_json.is_not(None))
            .order_by(inspections.c.finished_at.desc(), inspections.c.id.desc())
        )
        seen: set[str] = set()
        latest: list[Inspection] = []
        for row in self._read(partial(_all, query)):
            phone = row["serial"] or row["imei"] or row["device_id"]
            if phone in seen:
                continue
            seen.add(phone)
            if not self._vouched(row):
                continue  # a re-check judges the stored facts again: only as they were kept
            try:
                latest.append(inspection_from_json(json.loads(row["inspection_json"])))
            except (ValueError, KeyError, TypeError) as error:
                log.warning("skipped a stored inspection of %s that cannot be read back: %s", phone, error)
        return latest

    def newest_per_phone(self, since: datetime) -> list[tuple[Inspection, bool]]:
        """The newest inspection of each phone finished since `since` at any station of this database,
        newest first, each with whether this station can vouch for its row (a fleet's view: what another
        station kept is shown, marked, not judged again)."""
        query = (
            sa.select(inspections)
            .where(inspections.c.finished_at >= since, inspections.c.inspection_json.is_not(None))
            .order_by(inspections.c.finished_at.desc(), inspections.c.id.desc())
        )
        seen: set[str] = set()
        newest: list[tuple[Inspection, bool]] = []
        for row in self._read(partial(_all, query)):
            phone = row["serial"] or row["imei"] or row["device_id"]
            if phone in seen:
                continue
            seen.add(phone)
            try:
                newest.append((inspection_from_json(json.loads(row["inspection_json"])), self._vouched(row)))
            except (ValueError, KeyError, TypeError) as error:
                log.warning("skipped a stored inspection of %s that cannot be read back: %s", phone, error)
        return newest

    def cached_lookups(
        self,
        imeis: Sequence[str],
        carriers: Sequence[Carrier],
        ttl: timedelta,
        pending_ttl: timedelta,
        now: datetime | None = None,
        origins: Mapping[Carrier, str] | None = None,
    ) -> dict[tuple[str, Carrier], LookupResult]:
        """For each (IMEI, carrier), the newest stored mark — the site's or a person's — when it is still
        within its time to live and still as it was kept. A △ lives `pending_ttl` (it can turn ×), the
        other marks `ttl`. With `origins`, a site's answer counts only for the origin it came from (a mark
        a person recorded counts for any).

        An unreadable answer never hides a readable one: behind a failed ask, the newest mark still
        counts. Behind an expired mark an older one is older still. Each answer carries its seal; the
        caller checks it (lookups/integrity.py) and, when the newest mark does not check out, asks again:
        an older ○ behind an altered × must never come back. No entry means: ask again.
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
                if key in seen or not Outcome(row["outcome"]).is_mark:
                    continue  # older than the mark that counts; or unreadable, which decides nothing
                if origins is not None and row["origin"] not in (origins.get(key[1]), MANUAL_ORIGIN):
                    continue  # another site's answer (the simulator's, say): not this one's
                seen.add(key)
                result = lookup_result(row, from_cache=True, keys=self.keys)
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
        rows = self._read(partial(_all, query))
        return [lookup_result(row, from_cache=False, keys=self.keys) for row in rows]

    # ------------------------------------------------------------------------------------- webhooks

    def enqueue_webhook(self, message: Outgoing) -> None:
        """Owe a receiver this message: kept until it is taken (a second enqueue of the key is a no-op)."""
        self._keep([(webhook_outbox, outgoing_row(message))])

    def due_webhooks(self, station: str, now: datetime, limit: int = 50) -> list[Outgoing]:
        """This station's messages not yet taken whose next attempt is due, oldest first."""
        query = (
            sa.select(webhook_outbox)
            .where(
                webhook_outbox.c.station == station,
                webhook_outbox.c.sent_at.is_(None),
                webhook_outbox.c.next_attempt_at <= now,
            )
            .order_by(webhook_outbox.c.id)
            .limit(limit)
        )
        return [outgoing_from_row(row) for row in self._read(partial(_all, query))]

    def webhook_done(
        self, key: str, *, sent_at: datetime | None, attempts: int, next_at: datetime, error: str
    ) -> None:
        """After one attempt: taken (`sent_at`), or tried again at `next_at`."""
        change = (
            sa.update(webhook_outbox)
            .where(webhook_outbox.c.record_id == key)
            .values(sent_at=sent_at, attempts=attempts, next_attempt_at=next_at, last_error=error or None)
        )
        try:
            engines.transact(
                self.engine, lambda connection: connection.execute(change), write=True, patience=self.patience
            )
        except engines.DatabaseFailed as error:
            raise StoreError(f"cannot write to the database {self.where}: {error}") from None

    # ------------------------------------------------------------------------------------- politeness

    def take_turn(self, site: str, spacing: float, now: float) -> float:
        """Reserve the next request slot at a carrier's site for this process, shared by every process
        and station on this database; returns how long to wait for it (seconds)."""

        def reserve(connection: sa.Connection) -> float:
            query = sa.select(site_turns.c.next_at).where(site_turns.c.site == site)
            if connection.dialect.name == "postgresql":
                insert = "INSERT INTO site_turns (site, next_at) VALUES (:site, 0) ON CONFLICT DO NOTHING"
                connection.execute(sa.text(insert), {"site": site})
                query = query.with_for_update()
            else:
                insert = "INSERT OR IGNORE INTO site_turns (site, next_at) VALUES (:site, 0)"
                connection.execute(sa.text(insert), {"site": site})
            booked = float(connection.scalar(query) or 0.0)
            slot = max(now, booked)
            connection.execute(
                sa.update(site_turns).where(site_turns.c.site == site).values(next_at=slot + spacing)
            )
            return slot - now

        try:
            return engines.transact(self.engine, reserve, write=True, patience=self.patience)
        except engines.DatabaseFailed as error:
            raise StoreError(f"cannot write to the database {self.where}: {error}") from None

    def site_queues(self, now: float) -> dict[str, float]:
        """How far ahead each carrier's site is booked (seconds) by every station on this database."""
        query = sa.select(site_turns.c.site, site_turns.c.next_at).where(site_turns.c.next_at > now)
        return {row["site"]: row["next_at"] - now for row in self._read(partial(_all, query))}

    def read(self, work: Callable[[sa.Connection], T]) -> T:
        """`work` in one read transaction; a server that went away is tried again, as for every read."""
        return self._read(work)

    def stream(self, query: sa.Select[Any], batch: int = 1000) -> Iterator[sa.RowMapping]:
        """The rows of `query`, fetched `batch` at a time (PostgreSQL: a server-side cursor), in one read
        transaction held while the caller iterates: constant memory however many rows. A failure ends it
        with StoreError and is not tried again (the caller has used rows already)."""
        try:
            with self.engine.connect() as connection, connection.begin():
                yield from connection.execution_options(yield_per=batch).execute(query).mappings()
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"cannot read the database {self.where}: {engines.first_line(error)}") from None

    def keep(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows into `table` (each with its record_id), or into the spool; raises like save_lookups."""
        if rows:
            self._keep([(table, dict(row)) for row in rows])

    def _keep(self, batch: Batch) -> None:
        """Write `batch` (after what waits in the spool); what the database does not take goes to the spool,
        and the health hears of both."""
        turn = self.health.begin()
        try:
            self._insert(batch)
        except engines.DatabaseFailed as error:
            problem = f"cannot write to the database {self.where}: {error}"
            failed = _into_spool(self.spool, problem, batch)
            self.health.failed(failed, write=True)
            raise failed from None
        self.health.recovered(turn)

    def _insert(self, batch: Batch) -> None:
        """What waits in the spool, then `batch`, in one transaction; the spool is emptied after it."""
        with self.spool.drained() as waiting:
            if waiting or batch:
                engines.transact(
                    self.engine, partial(_insert_new, [*waiting, *batch]), write=True, patience=self.patience
                )

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        try:
            return engines.transact(self.engine, work, write=False, patience=self.patience)
        except engines.DatabaseFailed as error:
            raise StoreError(f"cannot read the database {self.where}: {error}") from None


def _all(query: sa.Select[Any], connection: sa.Connection) -> Sequence[sa.RowMapping]:
    return connection.execute(query).mappings().all()


def _insert_new(batch: Batch, connection: sa.Connection) -> None:
    """Insert the rows whose record_id is not stored yet: writing a row twice stores it once."""
    for table in {table for table, _row in batch}:
        rows = [row for owner, row in batch if owner is table]
        stored: set[str] = set()
        for start in range(0, len(rows), 500):  # stay under SQLite's bound-parameter limit
            ids = [row["record_id"] for row in rows[start : start + 500]]
            stored.update(connection.scalars(sa.select(table.c.record_id).where(table.c.record_id.in_(ids))))
        fresh = [row for row in rows if row["record_id"] not in stored]
        if fresh:
            connection.execute(table.insert(), fresh)


_NAMES = {
    "lookups": "carrier answers",
    "inspections": "phone inspections",
    "inspection_lookups": "phone inspections",
    "manual_facts": "recorded facts",
    "webhook_outbox": "webhook messages",
    "certificates": "certificates issued",
}


def _into_spool(spool: Spool, problem: str, batch: Batch) -> StoreError:
    """Put rows the database did not take into the spool; the error that says where they are."""
    what = _NAMES[batch[0][0].name]
    try:
        waiting = 0
        for table in dict.fromkeys(table for table, _row in batch):
            waiting = spool.append(table, [row for owner, row in batch if owner is table])
    except OSError as error:
        return StoreError(
            f"{problem}; nor keep the {what} in {spool.path} ({error.strerror}): they are not stored"
        )
    return Spooled(
        f"{problem}; the {what} wait in {spool.path} ({waiting} rows) and go to the database on tenken's next run"
    )


def open_store(settings: Settings) -> Store:
    """The store for these settings; the caller closes it (or uses it in a `with` block)."""
    return Store(settings)


def save_inspections(settings: Settings, results: Sequence[Inspection]) -> None:
    """Keep the inspections, even when the database cannot be opened: then in the spool.
    Raises like Store.save_inspections."""
    if not results:
        return
    try:
        database = open_store(settings)
    except StoreError as error:
        batch = inspection_batch(results, KeyRing.load(settings.data_path))
        raise _into_spool(Spool(settings.spool_path), str(error), batch) from None
    with database:
        database.save_inspections(results)
