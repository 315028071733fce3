"""A Store owns its engine: closing it closes its connections; nothing is shared between stores."""

from __future__ import annotations

from pathlib import Path

from tenken.config import Settings
from tenken.facts import Carrier, LookupResult, Outcome
from tenken.store import open_store

IMEI = "490154203237518"


def test_closing_the_store_closes_its_connections(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "tenken.sqlite3"), data_dir=str(tmp_path / "data"))
    wal = Path(f"{settings.db}-wal")
    with open_store(settings) as first, open_store(settings) as second:
        first.save_lookups([LookupResult(IMEI, Carrier.AU, Outcome.OK)])
        assert second.engine is not first.engine
        assert [answer.carrier for answer in second.lookup_history(IMEI)] == [Carrier.AU]
        assert wal.exists()
    assert not wal.exists()  # SQLite removes the WAL when the last connection to the database closes
