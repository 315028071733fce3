"""The store on PostgreSQL, for a fleet of stations. CI starts a server and sets the URL (.ci/run)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tenken import config
from tenken.config import Settings
from tenken.facts import Carrier, Outcome
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator
from tenken.store import open_store
from tests.conftest import fast_env

URL = os.environ.get("TENKEN_TEST_POSTGRES_URL", "")
# Rakuten's answer is never cached while its "not registered" shape is unknown (needs_browser)
KNOWN_SHAPES = [Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK]


@pytest.fixture
def pg_settings(carrier_sim: CarrierSimulator, tmp_path: Path) -> Iterator[Settings]:
    schema = f"t_{uuid.uuid4().hex[:12]}"  # a schema per test: runs never see each other's rows
    admin = sa.create_engine(URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    environ = fast_env(carrier_sim, tmp_path)
    environ["TENKEN_DB"] = f"{URL}{'&' if '?' in URL else '?'}options=-csearch_path%3D{schema}"
    yield config.load(environ=environ)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_lookups_cache_and_evidence_on_postgresql(
    carrier_sim: CarrierSimulator, pg_settings: Settings
) -> None:
    imei = "490154203237518"
    carrier_sim.rules.set_mark(imei, Carrier.DOCOMO, Outcome.RESTRICTED)

    async def run() -> int:
        with open_store(pg_settings) as database:
            async with LookupService(pg_settings, database) as service:
                await service.lookup_many([imei], KNOWN_SHAPES)
                return service.client.requests_sent

    assert asyncio.run(run()) == 6  # a form and an answer at each
    assert asyncio.run(run()) == 0  # served from PostgreSQL
    with open_store(pg_settings) as database:
        history = database.lookup_history(imei, Carrier.DOCOMO)
    assert history[0].outcome is Outcome.RESTRICTED
    assert history[0].evidence is not None
    assert "利用制限中です".encode("cp932") in history[0].evidence.body
    assert history[0].checked_at.tzinfo is not None
