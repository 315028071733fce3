"""Look-ups for many IMEIs at many carriers: cache first, then the polite client, then the store.

Carriers are asked in parallel with each other; within one carrier the client keeps one flow at a
time. A batch (batch.py) streams: the cache is read a chunk of IMEIs at a time and a bounded number of
IMEIs is in flight, so memory stays flat at any batch size. Fresh answers are written by one writer
task in batches (whatever arrived while the previous batch was being written), so the store costs a
few thread hops per batch instead of two per answer; answers waiting to be written are bounded too (a
store slower than the sites slows the asking). Leaving the service waits for every write.

A store that fails mid-batch does not stop the batch: the answers already asked for are worth their
requests. The store keeps what it cannot write in its spool; its health (`health.error`) says so at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.facts import Carrier, ImeiReport, LookupResult, Outcome
from tenken.lookups.batch import Batch
from tenken.lookups.client import PoliteClient
from tenken.lookups.integrity import Check, check
from tenken.lookups.plan import Query, next_ask
from tenken.lookups.providers import provider
from tenken.store import Store
from tenken.store.health import StoreHealth

T = TypeVar("T")

log = logging.getLogger(__name__)

WRITE_WINDOW = 0.1  # seconds the writer gathers answers before one transaction
WRITE_BATCH = 500


def enabled_carriers(settings: Settings) -> list[Carrier]:
    return [carrier for carrier in Carrier if settings.lookup.site(carrier).enabled]


class LookupService:
    def __init__(
        self,
        settings: Settings,
        store: Store | None,
        *,
        use_cache: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.use_cache = use_cache and store is not None  # serve fresh stored answers without asking
        turns = self._shared_turn if store is not None else None
        self.client = PoliteClient(settings.lookup, transport=transport, turns=turns)
        self.providers = {
            carrier: provider(carrier, settings.lookup.site(carrier).origin) for carrier in Carrier
        }
        self.ttl = timedelta(hours=settings.lookup.cache_ttl_hours)
        self.pending_ttl = timedelta(hours=settings.lookup.pending_ttl_hours)
        # One thread for every store call: SQLite serialises writers anyway.
        self._store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tenken-store")
        self._unsaved: asyncio.Queue[LookupResult] = asyncio.Queue(maxsize=2 * WRITE_BATCH)
        self._writer: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()  # write now: a full batch waits, or no more answers come
        self._closing = False
        # The store's health (what its writes and reads did): the same object its other users report to.
        self.health = store.health if store is not None else StoreHealth()
        self.origins = {carrier: provider.origin for carrier, provider in self.providers.items()}
        # Stored answers that were not believed (changed after they were kept, unsigned, another
        # station's): the carrier was asked again; a command may say so.
        self.distrusted: list[tuple[LookupResult, Check]] = []

    async def __aenter__(self) -> LookupService:
        if self.store is not None:
            self._writer = asyncio.create_task(self._write_forever(self.store), name="tenken-store-writer")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self.flush()
        finally:
            if self._writer is not None:
                self._writer.cancel()
                await asyncio.gather(self._writer, return_exceptions=True)  # ended, not left cancelling
            await self.client.aclose()
            self._store_thread.shutdown(wait=True)

    async def flush(self) -> None:
        """Wait until every answer so far is in the store (or its spool: see `health`)."""
        if self._writer is None:
            return
        self._closing = True  # no more answers come: write what waits now
        self._hurry.set()
        joined = asyncio.ensure_future(self._unsaved.join())
        await asyncio.wait({joined, self._writer}, return_when=asyncio.FIRST_COMPLETED)
        if self._writer.done():
            joined.cancel()
            self._writer.result()  # raises what stopped the writer (a bug: store failures do not)

    async def _shared_turn(self, site: str, spacing: float) -> float:
        """The wait for this request's slot at `site`, booked in the database every tenken process on it
        shares; a database that cannot book falls back to this process's own spacing."""
        assert self.store is not None
        try:
            return await self._in_store(self.store.take_turn, site, spacing, time.time())
        except StoreError as error:
            log.info("carrier politeness is per process for now: %s", error)
            return 0.0

    async def _in_store(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._store_thread, call, *args)

    async def _next_batch(self) -> list[LookupResult]:
        """The answers that arrive within WRITE_WINDOW of the first, at most WRITE_BATCH: one transaction
        for a burst, not one per answer (a transaction costs the store more than a row, and the loop a
        thread hop). One timer per batch: the window ends early when a full batch waits or on flush."""
        batch = [await self._unsaved.get()]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hurry.wait(), WRITE_WINDOW)
        while len(batch) < WRITE_BATCH and not self._unsaved.empty():
            batch.append(self._unsaved.get_nowait())
        if not self._closing and self._unsaved.qsize() < WRITE_BATCH:
            self._hurry.clear()
        return batch

    async def _write_forever(self, store: Store) -> None:
        while True:
            batch = await self._next_batch()
            try:
                await self._in_store(store.save_lookups, batch)
            except StoreError:  # in the spool (or lost): the store's health says which
                pass
            finally:
                for _ in batch:
                    self._unsaved.task_done()

    async def cached(
        self, imeis: Sequence[str], carriers: Sequence[Carrier]
    ) -> dict[tuple[str, Carrier], LookupResult]:
        """The stored marks that still count, by (IMEI, carrier): fresh, from this carrier's origin or
        recorded by a person, and still what was kept (lookups/integrity.py). With --no-cache they are not
        served before asking, but an unreadable answer does not replace them (`answer`)."""
        if self.store is None:
            return {}
        try:
            found = await self._in_store(
                self.store.cached_lookups, imeis, carriers, self.ttl, self.pending_ttl, None, self.origins
            )
        except StoreError as error:  # the database is away: ask the sites; the answers wait in the spool
            log.info("look-up cache not read: %s", error)
            return {}
        believed: dict[tuple[str, Carrier], LookupResult] = {}
        for key, result in found.items():
            checked = check(result)
            if checked.ok:
                believed[key] = result
            else:
                log.info("stored %s answer for %s not believed: %s", key[1].value, key[0], checked.problem)
                self.distrusted.append((result, checked))
        return believed

    async def answer(self, imei: str, carrier: Carrier, cached: LookupResult | None) -> LookupResult:
        """`cached` when there is one (and the cache is used), else the site's answer, handed to the store
        writer. An unreadable answer never replaces a readable one: when the site cannot be read, the
        stored mark (the site's or a person's, still fresh) stands."""
        if cached is not None and self.use_cache:
            return cached
        result = await self._asked(imei, carrier)
        if cached is not None and not result.outcome.is_mark:
            return cached
        return result

    async def _asked(self, imei: str, carrier: Carrier) -> LookupResult:
        result = await self.providers[carrier].check(self.client, imei)
        if self._writer is not None:
            if self._writer.done():
                self._writer.result()  # raises what stopped the writer (a bug): nothing would write this
            await self._unsaved.put(result)  # waits while the writer is two full batches behind
            if self._unsaved.qsize() >= WRITE_BATCH:
                self._hurry.set()
        return result

    async def ask(self, imei: str, carrier: Carrier) -> LookupResult:
        """One carrier's answer: from the cache when fresh, else from the site (then stored)."""
        cached = await self.cached([imei], [carrier])
        return await self.answer(imei, carrier, cached.get((imei, carrier)))

    async def lookup(self, imei: str, carriers: Sequence[Carrier]) -> ImeiReport:
        return (await self.lookup_many([imei], carriers))[0]

    def batch(self, imeis: Sequence[str], carriers: Sequence[Carrier]) -> Batch:
        """Reports for many unique IMEIs, streamed in their order (batch.py); use `async with`."""
        return Batch(self, imeis, carriers)

    async def lookup_many(
        self,
        imeis: Sequence[str],
        carriers: Sequence[Carrier],
        on_report: Callable[[ImeiReport], None] | None = None,
    ) -> list[ImeiReport]:
        """Every report at once, in input order; `on_report` is called as each is ready, in that order.
        An IMEI listed twice is asked once. This holds every report: a large batch streams (`batch`)."""
        reports: dict[str, ImeiReport] = {}
        async with self.batch(list(dict.fromkeys(imeis)), carriers) as batch:
            async for report in batch:
                reports[report.imei] = report
                if on_report is not None:
                    on_report(report)
        return [reports[imei] for imei in imeis]

    async def ask_planned(self, queries: Sequence[Query]) -> list[dict[tuple[str, Carrier], LookupResult]]:
        """For each phone, the answers its plan (plan.py) called for, asked one after another per phone
        (each answer decides the next ask) and phones at once. The cache is read once for all."""
        pairs = {(imei, carrier) for query in queries for imei in query.imeis for carrier in query.carriers}
        cached = await self.cached(sorted({imei for imei, _ in pairs}), list(Carrier)) if pairs else {}

        async def one(query: Query) -> dict[tuple[str, Carrier], LookupResult]:
            results: dict[tuple[str, Carrier], LookupResult] = {}
            outcomes: dict[tuple[str, Carrier], Outcome] = {}
            while (pair := next_ask(query, outcomes)) is not None:
                results[pair] = await self.answer(*pair, cached.get(pair))
                outcomes[pair] = results[pair].outcome
            return results

        return list(await asyncio.gather(*(one(query) for query in queries)))
