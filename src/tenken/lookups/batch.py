"""A batch of IMEIs as a stream of reports, in input order, with memory flat at any batch size.

At most IN_FLIGHT IMEIs are being asked at once: enough for each carrier to run ahead of the slowest
(each carrier's site takes its IMEIs first come, first served, so in input order). The cache is read
one CHUNK of IMEIs at a time, just before they are asked. A report is the caller's to print and drop
as soon as it is taken; nothing here keeps it.

Interrupted (Ctrl-C cancels the caller), `finished()` gives the reports that were complete and not yet
taken, and leaving the `async with` block cancels the IMEIs still being asked. Answers that arrived
before that are with the store writer already.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tenken.facts import Carrier, ImeiReport, LookupResult
from tenken.lookups.summary import combine

if TYPE_CHECKING:
    from tenken.lookups.service import LookupService

CHUNK = 500  # IMEIs per cache read
IN_FLIGHT = 100  # IMEIs asked at once


class Batch:
    def __init__(self, service: LookupService, imeis: Sequence[str], carriers: Sequence[Carrier]) -> None:
        self._service = service
        self._imeis = imeis  # unique: each is asked once and reported once
        self._carriers = list(carriers)
        self._asked_all = set(carriers) == set(Carrier)
        self._next = 0  # the first IMEI not yet started
        self._cached: dict[tuple[str, Carrier], LookupResult] = {}  # the current chunk's, taken as used
        self._running: deque[asyncio.Task[ImeiReport]] = deque()

    async def __aenter__(self) -> Batch:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        self._running.clear()

    def __aiter__(self) -> Batch:
        return self

    async def __anext__(self) -> ImeiReport:
        while len(self._running) < IN_FLIGHT and self._next < len(self._imeis):
            if self._next % CHUNK == 0:
                chunk = self._imeis[self._next : self._next + CHUNK]
                self._cached = await self._service.cached(chunk, self._carriers)
            imei = self._imeis[self._next]
            self._next += 1
            hits = [self._cached.pop((imei, carrier), None) for carrier in self._carriers]
            self._running.append(asyncio.create_task(self._report(imei, hits)))
        if not self._running:
            raise StopAsyncIteration
        head = self._running[0]
        await asyncio.wait({head})  # not `await head`: an interrupted caller must not cancel it
        self._running.popleft()
        return head.result()

    def finished(self) -> list[ImeiReport]:
        """The reports complete but not taken yet, in input order: what an interrupted batch still has."""
        return [
            task.result()
            for task in self._running
            if task.done() and not task.cancelled() and task.exception() is None
        ]

    async def _report(self, imei: str, hits: list[LookupResult | None]) -> ImeiReport:
        results = await asyncio.gather(
            *(
                self._service.answer(imei, carrier, hit)
                for carrier, hit in zip(self._carriers, hits, strict=True)
            )
        )
        return combine(imei, results, asked_all=self._asked_all)
