"""A batch of IMEIs as a stream of reports, in input order, with memory flat at any batch size.

One worker per carrier goes through the IMEIs in input order, as a person at that carrier's site would;
the carriers work side by side. Workers stay within a window of IN_FLIGHT IMEIs past the oldest report
not yet taken, so the fastest carrier runs ahead of the slowest by at most that much. The cache is read
one CHUNK of IMEIs at a time, as they enter the window. A report is the caller's to print and drop as
soon as it is taken; nothing here keeps it.

Interrupted (Ctrl-C cancels the caller), `finished()` gives the reports that were complete and not yet
taken, and leaving the `async with` block stops the workers. Answers that arrived before that are with
the store writer already.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tenken.facts import Carrier, ImeiReport, LookupResult
from tenken.lookups.summary import combine

if TYPE_CHECKING:
    from tenken.lookups.service import LookupService

CHUNK = 500  # IMEIs per cache read
IN_FLIGHT = 100  # IMEIs in the window


@dataclass(slots=True)
class _Slot:
    """One IMEI in the window: what the cache holds for it, and the carriers' answers as they come."""

    imei: str
    cached: dict[Carrier, LookupResult]
    answers: dict[Carrier, LookupResult] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Batch:
    def __init__(self, service: LookupService, imeis: Sequence[str], carriers: Sequence[Carrier]) -> None:
        if not carriers:
            raise ValueError("a batch asks at least one carrier")
        self._service = service
        self._imeis = imeis  # unique: each is asked once and reported once
        self._carriers = list(carriers)
        self._asked_all = set(carriers) == set(Carrier)
        self._window: deque[_Slot] = deque()  # admitted and not yet taken, in input order
        self._taken = 0  # reports taken: the window starts at this IMEI
        self._cached: dict[tuple[str, Carrier], LookupResult] = {}  # the current chunk's, taken as admitted
        self._admitted = asyncio.Event()  # the window moved on: workers waiting for an IMEI look again
        self._workers: list[asyncio.Task[None]] = []
        self._failure: Exception | None = None  # what stopped a worker (a bug: site trouble is an answer)

    async def __aenter__(self) -> Batch:
        self._workers = [asyncio.create_task(self._work(carrier)) for carrier in self._carriers]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    def __aiter__(self) -> Batch:
        return self

    async def __anext__(self) -> ImeiReport:
        await self._admit()
        if not self._window:
            raise StopAsyncIteration
        head = self._window[0]
        await head.done.wait()
        if self._failure is not None:
            raise self._failure
        self._window.popleft()
        self._taken += 1
        return self._report(head)

    def finished(self) -> list[ImeiReport]:
        """The reports complete but not taken yet, in input order: what an interrupted batch still has."""
        return [self._report(slot) for slot in self._window if len(slot.answers) == len(self._carriers)]

    async def _admit(self) -> None:
        """Let IMEIs into the window up to IN_FLIGHT, reading the cache a chunk at a time."""
        start = self._taken + len(self._window)
        end = min(self._taken + IN_FLIGHT, len(self._imeis))
        for index in range(start, end):
            if index % CHUNK == 0:
                chunk = self._imeis[index : index + CHUNK]
                self._cached = await self._service.cached(chunk, self._carriers)
            imei = self._imeis[index]
            found = {
                carrier: self._cached.pop((imei, carrier))
                for carrier in self._carriers
                if (imei, carrier) in self._cached
            }
            self._window.append(_Slot(imei, found))
        if end > start:
            self._admitted.set()

    async def _work(self, carrier: Carrier) -> None:
        """Ask `carrier` about every IMEI in input order, as each enters the window."""
        try:
            for index in range(len(self._imeis)):
                while index >= self._taken + len(self._window):
                    self._admitted.clear()
                    await self._admitted.wait()
                slot = self._window[index - self._taken]  # not taken: it waits for this answer
                slot.answers[carrier] = await self._service.answer(
                    slot.imei, carrier, slot.cached.pop(carrier, None)
                )
                if len(slot.answers) == len(self._carriers):
                    slot.done.set()
        except Exception as error:  # the consumer waits for a slot that will not fill: wake it, say why
            self._failure = error
            for slot in self._window:
                slot.done.set()
            raise

    def _report(self, slot: _Slot) -> ImeiReport:
        results = [slot.answers[carrier] for carrier in self._carriers]
        strict = self._service.settings.lookup.strict
        return combine(slot.imei, results, asked_all=self._asked_all, strict=strict)
