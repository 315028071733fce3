"""The running station as plain data: what any face of it (the terminal board of `tenken watch`, the page
of `tenken serve`, a script reading `/api/board`) shows, and the one thing a face may do back — record
what a person read off a phone. Pure data and a protocol; `station/run.py` implements it.

A face never reaches past this: it reads a `Board`, follows `changes()`, and calls `record()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from tenken.facts import Carrier, Message, Platform
from tenken.inspection import Inspection, Level


@dataclass(frozen=True, slots=True)
class Tile:
    """One hub port: the phone on it now, or the last one that was (unplugged), or nobody (free)."""

    port: str  # its [ports] name, else its location (a phone over TCP: its adb serial)
    location: str  # usbmuxd's LocationID, the adb USB path, or "" for a free port
    device_id: str  # "" for a free port
    platform: Platform | None  # None for a free port
    stage: str  # station.watch.Stage value, or "free"
    seconds: float  # since the phone was plugged in (until it was done)
    inspection: Inspection | None  # the latest, once there is one
    attached: bool = True  # False: unplugged; the tile keeps its result until the port is used again

    @property
    def inspection_id(self) -> str | None:
        return self.inspection.id if self.inspection is not None else None

    def level(self, channel: str) -> Level | None:
        verdict = self.inspection.verdicts.get(channel) if self.inspection is not None else None
        return verdict.level if verdict is not None else None


@dataclass(frozen=True, slots=True)
class Task:
    """Something only a person can do for one phone ("needs the technician"): oldest first on the queue."""

    inspection_id: str
    port: str
    since: datetime  # when the phone's inspection finished (UTC)
    condition: str  # the verdict's condition code (carrier_unanswered, sim_lock_unconfirmed, …)
    action: Message  # what to do, for this phone's platform and maker
    record: str | None  # the `tenken record` fact that finishes it (sim-lock, battery, mark, …), if one does
    answers: tuple[tuple[str, Carrier], ...] = ()  # for a mark: the (IMEI, carrier) answers still wanted


@dataclass(frozen=True, slots=True)
class Health:
    """The station's own state: what a face shows in its footer."""

    station: str
    problems: Sequence[Message] = ()  # a transport that cannot be asked, the database, the webhook
    queued: Mapping[str, int] = field(default_factory=dict)  # carrier site → look-ups waiting or running
    kept: int = 0
    webhooks_sent: int = 0


@dataclass(frozen=True, slots=True)
class Board:
    tiles: Sequence[Tile]  # in the configured order of ports, then as people count (A-2 before A-10)
    tasks: Sequence[Task]  # oldest first
    health: Health
    focus: str  # the sales channel the footer counts


class StationView(Protocol):
    """What a face of the station may ask of it."""

    def board(self) -> Board:
        """The station as it is now."""

    def changes(self) -> AsyncIterator[Sequence[Tile]]:
        """Every change, as the tiles that changed (a newly plugged phone's first one included), until the
        station stops."""

    async def record(
        self,
        inspection_id: str,
        fact: str,
        values: Sequence[str],
        by: str,
        evidence: Path | None = None,
        *,
        ng_items: Sequence[str] = (),
        note: str = "",
        photos: Sequence[Path] = (),
    ) -> Inspection:
        """Record what a person read off this inspection's phone (as `tenken record FACT VALUES…` takes
        it: sim-lock, battery, owner-lock, mdm, imei, mark CARRIER MARK, grade S|A|B|C|J with its NG
        items, note and photos, or erasure ITEM=VALUE…), judge the phone again at once,
        and return the new inspection (the board follows). Raises tenken.errors.InputError for a value that
        is not one."""

    async def handoff(
        self,
        inspection_id: str,
        carrier: Carrier,
        by: str,
        *,
        headless: bool = False,
        wait_seconds: float = 300.0,
    ) -> Inspection:
        """The assisted browser check of this phone at `carrier` (`tenken handoff`), on the station's
        screen; the phone judged again with what was read. Raises InputError when nothing was read."""


@dataclass(frozen=True, slots=True)
class StationDay:
    station: str
    levels: Mapping[str, int]  # level on the focus channel → phones (their newest inspection today)
    phones: int
    last: datetime | None  # its newest inspection finished (UTC)
    unvouched: int = 0  # rows this station holds no key for (another station's: shown, not checked)


@dataclass(frozen=True, slots=True)
class Fleet:
    since: datetime  # the start of today in JST, as UTC
    focus: str
    stations: Sequence[StationDay]
    queues: Mapping[str, float] = field(default_factory=dict)  # carrier site → seconds booked ahead
    waiting: Sequence[Task] = ()  # every phone's HOLD a person can finish, oldest first (port = station)
    inspections: Mapping[str, Inspection] = field(default_factory=dict)  # by id, for the words
