"""A fleet's day on one shared database (PostgreSQL): each station's phones today by level on the focus
channel, how far ahead each carrier's site is booked by all of them, and what waits for people anywhere.
Read from the store only: `tenken serve` shows it at /fleet."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

from tenken.inspection import Inspection
from tenken.report.labels import JST
from tenken.station.run import natural, tasks_of
from tenken.station.view import Fleet, StationDay
from tenken.store import Store


def today_in_japan(now: datetime) -> datetime:
    """Midnight JST of `now`'s day, in UTC: a shop's day."""
    day = now.astimezone(JST).date()
    return datetime.combine(day, time(0), JST).astimezone(ZoneInfo("UTC"))


def fleet(store: Store, focus: str, now: datetime, wall: float) -> Fleet:
    """The fleet's day so far (`now` in UTC; `wall`, time.time(), is what the sites' turns count in)."""
    since = today_in_japan(now)
    newest = store.newest_per_phone(since)
    by_station: dict[str, list[tuple[Inspection, bool]]] = {}
    for inspection, vouched in newest:
        by_station.setdefault(inspection.station or "?", []).append((inspection, vouched))
    stations = []
    for name in sorted(by_station, key=natural):
        kept = by_station[name]
        levels = Counter(
            inspection.verdicts[focus].level.value for inspection, _ in kept if focus in inspection.verdicts
        )
        finished = [each.finished_at for each, _ in kept if each.finished_at is not None]
        stations.append(
            StationDay(
                name,
                dict(levels),
                len(kept),
                max(finished, default=None),
                sum(1 for _, vouched in kept if not vouched),
            )
        )
    waiting = sorted(
        (task for inspection, _ in newest for task in tasks_of(inspection, inspection.station or "?")),
        key=lambda task: task.since,
    )
    return Fleet(
        since,
        focus,
        stations,
        store.site_queues(wall),
        waiting,
        {inspection.id: inspection for inspection, _ in newest},
    )
