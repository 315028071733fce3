"""Which stored answer counts, over generated histories of one IMEI at one carrier: answers from the site
(this origin or another) and recorded by a person, marks and unreadable answers, at any age.

The rule, decided here on its own: among the answers from this origin or a person, the newest mark counts
while it is within its time to live; an unreadable answer never hides it; an answer from another origin
never counts; and what a look-up then returns, asked again (`--no-cache`), is the site's new answer when
it is readable, else the mark that counted."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenken.config import Settings
from tenken.facts import MANUAL_ORIGIN, Carrier, LookupResult, Outcome
from tenken.lookups.service import LookupService
from tenken.store import open_store

IMEI = "490154203237518"
HERE, ELSEWHERE = "https://nw-restriction.nttdocomo.co.jp", "http://127.0.0.1:8080"
# The service reads the clock: each example stores its answers aged from the moment it runs, half a minute
# off any time to live, so the seconds an example takes never move one across it.
TTL, PENDING_TTL = timedelta(hours=12), timedelta(hours=1)
UNREADABLE = [o for o in Outcome if not o.is_mark and o is not Outcome.INVALID_IMEI]

ANSWERS = st.lists(
    st.tuples(
        st.sampled_from([HERE, ELSEWHERE, MANUAL_ORIGIN]),
        st.sampled_from([*Outcome.__members__.values()]).filter(lambda o: o is not Outcome.INVALID_IMEI),
        st.integers(min_value=0, max_value=20 * 60),  # minutes ago
    ),
    max_size=6,
    unique_by=lambda answer: answer[2],  # one answer a minute: "newest" is never a tie
)


def expected(history: list[tuple[str, Outcome, int]]) -> Outcome | None:
    counting = [
        (ago, outcome)
        for origin, outcome, ago in history
        if origin in (HERE, MANUAL_ORIGIN) and outcome.is_mark
    ]
    if not counting:
        return None
    ago, outcome = min(counting)
    limit = PENDING_TTL if outcome is Outcome.PENDING else TTL
    return outcome if age(ago) <= limit else None


def age(minutes: int) -> timedelta:
    return timedelta(minutes=minutes, seconds=30)


def stored(folder: Path, history: list[tuple[str, Outcome, int]], now: datetime) -> Settings:
    settings = Settings(db=str(folder / "tenken.sqlite3"), data_dir=str(folder / "data"))
    settings.lookup.docomo.origin = HERE
    with open_store(settings) as store:
        store.save_lookups(
            [
                LookupResult(IMEI, Carrier.DOCOMO, outcome, checked_at=now - age(ago), origin=origin)
                for origin, outcome, ago in history
            ]
        )
    return settings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_the_newest_readable_answer_from_here_or_a_person_counts(
    history: list[tuple[str, Outcome, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        now = datetime.now(UTC)
        settings = stored(Path(folder), history, now)
        with open_store(settings) as store:
            found = store.cached_lookups(
                [IMEI], [Carrier.DOCOMO], TTL, PENDING_TTL, now=now, origins={Carrier.DOCOMO: HERE}
            )
    served = found.get((IMEI, Carrier.DOCOMO))
    assert (served.outcome if served else None) is expected(history)


class _Site:
    """The carrier answering a fresh ask: only what `answer` does with a readable or unreadable reply is
    under test here (the replies themselves go over HTTP in test_stored_answers_trust.py)."""

    origin = HERE

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome

    async def check(self, client: object, imei: str) -> LookupResult:
        return LookupResult(imei, Carrier.DOCOMO, self.outcome, origin=HERE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS, st.sampled_from([Outcome.OK, Outcome.RESTRICTED, *UNREADABLE]))
def test_asked_again_an_unreadable_reply_never_replaces_a_readable_answer(
    history: list[tuple[str, Outcome, int]], reply: Outcome
) -> None:
    stand = expected(history)
    with tempfile.TemporaryDirectory() as folder:
        now = datetime.now(UTC)
        settings = stored(Path(folder), history, now)
        settings.lookup.cache_ttl_hours, settings.lookup.pending_ttl_hours = 12.0, 1.0

        async def ask() -> LookupResult:
            with open_store(settings) as store:
                async with LookupService(settings, store, use_cache=False) as service:
                    service.providers[Carrier.DOCOMO] = _Site(reply)  # type: ignore[assignment]
                    cached = await service.cached([IMEI], [Carrier.DOCOMO])  # checked as a look-up checks
                    return await service.answer(IMEI, Carrier.DOCOMO, cached.get((IMEI, Carrier.DOCOMO)))

        answered = asyncio.run(ask())
    if reply.is_mark:
        assert answered.outcome is reply  # a newer readable answer replaces what was stored
    else:
        assert answered.outcome is (stand if stand is not None else reply)
