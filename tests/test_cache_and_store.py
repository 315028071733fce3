"""Cache and evidence store, driven through the real clients and the simulator."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.facts import Carrier, ImeiReport, LookupResult, Outcome
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator
from tenken.store import Store, open_store

IMEI = "490154203237518"
# Rakuten's "not registered" has no known shape: its answer for an IMEI it did not sell is no mark, and only
# marks are served from the cache. The cache tests ask the three carriers whose − is known.
MARKED = [Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK]


def lookup(settings: Settings, imeis: list[str], *, use_cache: bool = True) -> tuple[list[ImeiReport], int]:
    async def run(database: Store) -> tuple[list[ImeiReport], int]:
        async with LookupService(settings, database, use_cache=use_cache) as service:
            reports = await service.lookup_many(imeis, MARKED)
            return reports, service.client.requests_sent

    with open_store(settings) as database:
        return asyncio.run(run(database))


def test_second_lookup_is_served_from_the_cache_without_a_request(
    carrier_sim: CarrierSimulator, sim_settings: Settings
) -> None:
    first, sent = lookup(sim_settings, [IMEI])
    assert sent == 6  # docomo, au, SoftBank: form + answer
    hits_before = sum(carrier_sim.hits.values())
    second, sent_again = lookup(sim_settings, [IMEI])
    assert sent_again == 0
    assert sum(carrier_sim.hits.values()) == hits_before
    assert all(result.from_cache for result in second[0].results)
    assert [r.outcome for r in second[0].results] == [r.outcome for r in first[0].results]


def test_no_cache_asks_again(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    lookup(sim_settings, [IMEI])
    _reports, sent = lookup(sim_settings, [IMEI], use_cache=False)
    assert sent == 6


def test_errors_are_not_cached(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    carrier_sim.set_fault(Carrier.AU, "maintenance")
    lookup(sim_settings, [IMEI])
    carrier_sim.set_fault(Carrier.AU, None)
    reports, sent = lookup(sim_settings, [IMEI])
    assert sent == 2  # only au is asked again
    au = next(result for result in reports[0].results if result.carrier is Carrier.AU)
    assert au.outcome is Outcome.NOT_FOUND and not au.from_cache


def test_duplicate_imeis_in_a_batch_are_asked_once(
    carrier_sim: CarrierSimulator, sim_settings: Settings
) -> None:
    reports, sent = lookup(sim_settings, [IMEI, IMEI, IMEI])
    assert sent == 6
    assert len(reports) == 3


def test_evidence_is_stored_byte_for_byte(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
    lookup(sim_settings, [IMEI])
    with open_store(sim_settings) as database:
        history = database.lookup_history(IMEI, Carrier.DOCOMO)
    assert len(history) == 1
    evidence = history[0].evidence
    assert evidence is not None
    assert evidence.url == f"{carrier_sim.origin}/search.php"
    assert evidence.method == "POST"
    assert "利用制限中です".encode("cp932") in evidence.body
    # the row as SQLite holds it, read without tenken: the hash recorded when the page arrived is the
    # hash of the bytes kept, and they are the bytes tenken reads back
    with sqlite3.connect(sim_settings.db_url.removeprefix("sqlite:///")) as raw:
        body, recorded = raw.execute(
            "SELECT body, sha256 FROM lookups WHERE imei = ? AND carrier = 'docomo'", (IMEI,)
        ).fetchone()
    assert recorded == hashlib.sha256(body).hexdigest() and bytes(body) == evidence.body


def store_answer(database: Store, outcome: Outcome, checked_at: datetime) -> None:
    database.save_lookups([LookupResult(IMEI, Carrier.DOCOMO, outcome, checked_at=checked_at)])


@pytest.mark.parametrize(
    ("outcome", "age", "fresh"),
    [
        (Outcome.OK, timedelta(hours=11), True),
        (Outcome.OK, timedelta(hours=13), False),
        (Outcome.PENDING, timedelta(minutes=30), True),
        (Outcome.PENDING, timedelta(hours=2), False),  # a △ can turn ×: shorter life
        (Outcome.UNAVAILABLE, timedelta(minutes=1), False),
    ],
)
def test_time_to_live(sim_settings: Settings, outcome: Outcome, age: timedelta, fresh: bool) -> None:
    with open_store(sim_settings) as database:
        store_answer(database, outcome, datetime.now(UTC) - age)
        cached = database.cached_lookups([IMEI], [Carrier.DOCOMO], timedelta(hours=12), timedelta(hours=1))
    assert ((IMEI, Carrier.DOCOMO) in cached) is fresh


def test_database_path_that_is_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path))
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(settings)
