"""A database that cannot be read is a cache miss, not a failed look-up: the station keeps asking the
carriers while the database is away (the answers wait in the spool)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tenken.config import Settings
from tenken.facts import Carrier, Outcome
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator
from tenken.store import open_store

IMEI = "490154203237518"


def test_an_unreadable_cache_is_asked_around(
    carrier_sim: CarrierSimulator, sim_settings: Settings, tmp_path: Path
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.PENDING)
    database = open_store(sim_settings)
    try:
        database.engine.dispose()  # the next read opens the damaged file
        damaged = Path(sim_settings.db_url.removeprefix("sqlite:///"))
        for journal in damaged.parent.glob(damaged.name + "-*"):
            journal.unlink()  # the write-ahead log would still answer
        damaged.write_bytes(b"not a database" * 512)

        async def ask() -> Outcome:
            async with LookupService(sim_settings, database) as service:
                return (await service.ask(IMEI, Carrier.DOCOMO)).outcome

        assert asyncio.run(ask()) is Outcome.PENDING
        assert carrier_sim.hits["docomo"] == 2  # the form and the answer: asked, not failed
    finally:
        database.close()
