"""Which stored answer the cache may serve when an IMEI × carrier has several: only the newest mark, and
only while it is within its time to live, from the origin asked (or a person's), and as it was kept. An
older ○ behind a newer △ or × is never served; a failed ask never hides a mark (it says nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.facts import Carrier, LookupResult, Outcome
from tenken.sim.carriers import CarrierSimulator
from tenken.store import open_store
from tests.conftest import fast_env, run_cli

IMEI = "490154203237518"
OTHER = "356868000041418"
TTL, PENDING_TTL = timedelta(hours=12), timedelta(hours=1)
DAY = datetime(2025, 3, 14, tzinfo=UTC)


def at(clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return DAY + timedelta(hours=int(hours), minutes=int(minutes))


def served(tmp_path: Path, history: list[tuple[str, Outcome]], now: str, imei: str = IMEI) -> Outcome | None:
    """Store `history` (clock, outcome) for docomo and ask the cache at `now`: what does it serve?"""
    settings = Settings(db=str(tmp_path / "tenken.sqlite3"), data_dir=str(tmp_path / "data"))
    with open_store(settings) as database:
        database.save_lookups(
            [LookupResult(imei, Carrier.DOCOMO, outcome, checked_at=at(clock)) for clock, outcome in history]
        )
        cached = database.cached_lookups([IMEI, OTHER], [Carrier.DOCOMO], TTL, PENDING_TTL, now=at(now))
    result = cached.get((IMEI, Carrier.DOCOMO))
    return result.outcome if result is not None else None


@pytest.mark.parametrize(
    ("history", "now", "expected"),
    [
        # the tracker's sequence: ○ at 08:00, a --no-cache re-check says △ at 09:00; at 10:30 the △ has
        # expired, and the ○ behind it must not come back as a clean answer
        ([("08:00", Outcome.OK), ("09:00", Outcome.PENDING)], "10:30", None),
        ([("08:00", Outcome.OK), ("09:00", Outcome.PENDING)], "09:30", Outcome.PENDING),
        ([("08:00", Outcome.OK), ("09:00", Outcome.RESTRICTED)], "10:30", Outcome.RESTRICTED),
        ([("08:00", Outcome.PENDING), ("09:00", Outcome.OK)], "10:30", Outcome.OK),
        # the last ask failed: an unreadable answer never replaces a readable one
        ([("08:00", Outcome.OK), ("09:00", Outcome.UNAVAILABLE)], "09:30", Outcome.OK),
        ([("08:00", Outcome.RESTRICTED), ("09:00", Outcome.PARSE_ERROR)], "09:30", Outcome.RESTRICTED),
        ([("08:00", Outcome.OK), ("09:00", Outcome.CAPTCHA_REQUIRED)], "20:30", None),  # the TTL does
        ([("08:00", Outcome.UNAVAILABLE), ("09:00", Outcome.OK)], "09:30", Outcome.OK),
        # several rows, stored out of order: the newest by time decides
        (
            [("09:00", Outcome.PENDING), ("07:00", Outcome.OK), ("08:00", Outcome.RESTRICTED)],
            "10:30",
            None,
        ),
        ([("07:00", Outcome.OK), ("08:00", Outcome.OK), ("06:00", Outcome.RESTRICTED)], "19:30", Outcome.OK),
        ([("07:00", Outcome.OK), ("08:00", Outcome.OK)], "20:30", None),  # both beyond 12 h
    ],
)
def test_only_the_newest_answer_is_served(
    tmp_path: Path, history: list[tuple[str, Outcome]], now: str, expected: Outcome | None
) -> None:
    assert served(tmp_path, history, now) is expected


def test_another_imeis_history_does_not_leak(tmp_path: Path) -> None:
    assert served(tmp_path, [("08:00", Outcome.OK)], "09:00", imei=OTHER) is None


def test_a_lookup_after_an_expired_pending_asks_again(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """End to end: ○ stored 2½ h ago, △ from a re-check 1½ h ago (expired); `tenken lookup` must ask."""
    env = fast_env(carrier_sim, tmp_path)
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.PENDING)
    now = datetime.now(UTC)
    settings = Settings(db=env["TENKEN_DB"], data_dir=env["TENKEN_DATA_DIR"])
    with open_store(settings) as database:
        database.save_lookups(
            [
                LookupResult(IMEI, Carrier.DOCOMO, Outcome.OK, checked_at=now - timedelta(hours=2.5)),
                LookupResult(IMEI, Carrier.DOCOMO, Outcome.PENDING, checked_at=now - timedelta(hours=1.5)),
            ]
        )
    result = run_cli(["lookup", "--carrier", "docomo", IMEI], env)
    assert carrier_sim.hits["docomo"] > 0
    assert result.exit_code == 1  # △ pending, asked afresh; not ○ clean from the cache
