"""Where the station's time comes from: its polls, its retries, how long a phone has been on the hub.

The station asks a `Clock` instead of `time` and `asyncio.sleep`, as trio's tasks ask trio's clock: the
real one (`SystemClock`) runs the shop, and a test hands in a `ManualClock` (as trio's MockClock) whose
time moves only when the test says so, never by waiting: "the next poll" or "retry_seconds later"
is then a step the test takes, not a race it hopes to win.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that only goes forward (its zero means nothing)."""

    async def sleep(self, seconds: float) -> None:
        """Return once `seconds` have passed on this clock."""


class SystemClock:
    """The machine's monotonic clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock for tests: it stands still until `advance()` moves it; each sleeper wakes once the time
    it sleeps until has come. Nothing else (sockets, threads, asyncio's own timeouts) is faked."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._order = itertools.count()  # sleepers due at the same time wake in the order they slept
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), woken))
        await woken

    def advance(self, seconds: float) -> None:
        """Move the time on by `seconds` and wake every sleeper whose time has come."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self._now += seconds
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _due, _order, woken = heapq.heappop(self._sleepers)
            if not woken.done():
                woken.set_result(None)

    @property
    def sleepers(self) -> int:
        """How many tasks sleep on this clock now (a cancelled sleep leaves when its time comes)."""
        return sum(not woken.done() for _due, _order, woken in self._sleepers)


async def pause(clock: Clock, seconds: float, *until: asyncio.Event) -> bool:
    """Wait `seconds` on `clock`, or until one of the events `until` is set, whichever comes first;
    whether one of them is set."""
    if any(event.is_set() for event in until):
        return True
    waiters = [
        asyncio.ensure_future(clock.sleep(seconds)),
        *(asyncio.ensure_future(event.wait()) for event in until),
    ]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
    return any(event.is_set() for event in until)
