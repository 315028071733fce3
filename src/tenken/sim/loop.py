"""An asyncio event loop on a background thread, for callers that are not async (tests, the demo, the
benchmarks) driving the simulators, which are. anyio's blocking portal does the thread and the loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

T = TypeVar("T")


class BackgroundLoop:
    """Start with `start()`, run coroutines with `call()`, end with `close()`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._context: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None

    def start(self) -> BackgroundLoop:
        self._context = start_blocking_portal("asyncio", name=self.name)
        self._portal = self._context.__enter__()
        return self

    def call(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run `function(*args)` on the loop and wait for its result (exceptions come back raised)."""
        if self._portal is None:
            raise RuntimeError(f"{self.name}: the background loop is not running")
        return self._portal.call(function, *args)

    def close(self) -> None:
        """Stop the loop; tasks the simulators left running are cancelled as the loop closes."""
        if self._context is not None:
            context, self._context, self._portal = self._context, None, None
            context.__exit__(None, None, None)
