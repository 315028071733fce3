"""Look-ups for many IMEIs at many carriers: cache first, then the polite client, then the store.

Carriers are asked in parallel with each other; within one carrier the client keeps one flow at a
time. Every fresh answer is stored with its evidence before it is reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta

import httpx

from tenken.config import Settings
from tenken.facts import Carrier, ImeiReport, LookupResult
from tenken.lookups.au import Au
from tenken.lookups.base import Provider
from tenken.lookups.client import PoliteClient
from tenken.lookups.docomo import Docomo
from tenken.lookups.rakuten import Rakuten
from tenken.lookups.softbank import SoftBank
from tenken.lookups.summary import combine
from tenken.store import Store

PROVIDERS: dict[Carrier, type[Provider]] = {
    Carrier.DOCOMO: Docomo,
    Carrier.AU: Au,
    Carrier.SOFTBANK: SoftBank,
    Carrier.RAKUTEN: Rakuten,
}


def enabled_carriers(settings: Settings) -> list[Carrier]:
    return [carrier for carrier in Carrier if getattr(settings.lookup, carrier.value).enabled]


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
        self.use_cache = use_cache
        self.client = PoliteClient(settings.lookup, transport=transport)
        self.providers = {
            carrier: provider(getattr(settings.lookup, carrier.value).origin)
            for carrier, provider in PROVIDERS.items()
        }
        self.ttl = timedelta(hours=settings.lookup.cache_ttl_hours)
        self.pending_ttl = timedelta(hours=settings.lookup.pending_ttl_hours)

    async def __aenter__(self) -> LookupService:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.aclose()

    async def ask(self, imei: str, carrier: Carrier) -> LookupResult:
        """One carrier's answer: from the cache when fresh, else from the site (then stored)."""
        if self.store is not None and self.use_cache:
            cached = await asyncio.to_thread(
                self.store.cached_lookup, imei, carrier, self.ttl, self.pending_ttl
            )
            if cached is not None:
                return cached
        result = await self.providers[carrier].check(self.client, imei)
        if self.store is not None:
            await asyncio.to_thread(self.store.save_lookup, result)
        return result

    async def lookup(self, imei: str, carriers: Sequence[Carrier]) -> ImeiReport:
        results = await asyncio.gather(*(self.ask(imei, carrier) for carrier in carriers))
        return combine(imei, results, asked_all=set(carriers) == set(Carrier))

    async def lookup_many(
        self,
        imeis: Sequence[str],
        carriers: Sequence[Carrier],
        on_report: Callable[[ImeiReport], None] | None = None,
    ) -> list[ImeiReport]:
        """Reports in input order; `on_report` is called as each IMEI completes (for progress).
        An IMEI listed twice is asked once."""

        async def one(imei: str) -> ImeiReport:
            report = await self.lookup(imei, carriers)
            if on_report is not None:
                on_report(report)
            return report

        unique = list(dict.fromkeys(imeis))
        reports = dict(zip(unique, await asyncio.gather(*(one(imei) for imei in unique)), strict=True))
        return [reports[imei] for imei in imeis]
