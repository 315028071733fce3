"""A StationView of the tests' own, for the page's logic: phones are put on ports and taken off by the
test, their inspections judged by tenken's real verdict under the shipped policy, and what a person
records is applied as `tenken record` would (a measured fact, or a carrier's mark read by hand) and
judged again. Changes are handed to the page as the real station hands them: as the tiles that changed.

The web layer is tested over the real station too (tests/web/test_serve_e2e.py)."""

from __future__ import annotations

import asyncio
import re
import threading
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tenken.errors import InputError
from tenken.facts import (
    MANUAL_ORIGIN,
    Carrier,
    DeviceFacts,
    DeviceRef,
    Evidence,
    Fact,
    LookupResult,
    Outcome,
    Platform,
    msg,
)
from tenken.inspection import Asked, Inspection, Level
from tenken.station.run import RECORDS
from tenken.station.view import Board, Health, Task, Tile
from tenken.verdict.judge import judge
from tenken.verdict.policy import load_policy

MARKS = {"○": Outcome.OK, "△": Outcome.PENDING, "×": Outcome.RESTRICTED, "−": Outcome.NOT_FOUND}
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def phone(
    serial: str,
    imei: str,
    *,
    model: str = "iPhone 13",
    platform: Platform = Platform.IOS,
    location: str = "0x14100000",
    unanswered: Carrier | None = None,
    battery: float | None = None,
) -> Inspection:
    """A clean, erased phone sold SIM-free: − at every carrier (or one carrier that did not answer), its
    battery not measured unless `battery` is given."""
    device_id = f"00008030-{serial}" if platform is Platform.IOS else serial
    facts = DeviceFacts(DeviceRef(platform, device_id, location, "USB"))
    facts.model_name = Fact.measured(model, "ProductType")
    facts.serial = Fact.measured(serial, "SerialNumber")
    facts.imei = Fact.measured(imei, "InternationalMobileEquipmentIdentity")
    for name in ("owner_lock", "mdm_enrolled", "supervised", "setup_complete", "bootloader_unlocked"):
        setattr(facts, name, Fact.measured(False, "test"))
    facts.sim_locked = Fact.measured(False, "test")
    facts.sim_state = Fact.measured("absent", "test")
    facts.cellular = Fact.measured(True, "test")
    facts.sold_for = Fact.measured("sim-free", "test")
    facts.sold_by_candidates = Fact.measured(["sim-free", *Carrier], "test")
    if battery is not None:
        facts.battery_health_pct = Fact.measured(battery, "test")
    # graded, and its erasure read and confirmed by a second person (issue 19): nothing else to hold it
    facts.grade = facts.grade_class = Fact.measured("A", "manual: grade A (test)")
    facts.erased = Fact.measured(True, "test")
    checks = {"resets": 2, "checked_by": "second", "felica": "none", "jpki": "none"}
    facts.erasure_checks = Fact.measured(checks, "manual: erasure (test)")
    inspection = Inspection(facts, station="fake", started_at=START)
    for carrier in Carrier:
        outcome = Outcome.UNAVAILABLE if carrier is unanswered else Outcome.NOT_FOUND
        page = Evidence.received(
            f"http://127.0.0.1:9/{carrier.value}", "POST", 200, START, f"{imei} −".encode(), "text/html"
        )
        answer = LookupResult(imei, carrier, outcome, evidence=page, checked_at=START)
        inspection.asked.append(Asked.of(imei, carrier, answer))
    return judged(inspection)


def judged(inspection: Inspection) -> Inspection:
    inspection.verdicts = judge(inspection, load_policy())
    inspection.finished_at = inspection.started_at
    return inspection


class FakeView:
    """The ports of a station a test drives: `plug`, `done`, `unplug`; what the page records is applied."""

    def __init__(self, ports: Sequence[str] = (), focus: str = "retail") -> None:
        self.focus = focus
        self.tiles: dict[str, Tile] = {port: Tile(port, "", "", None, "free", 0.0, None) for port in ports}
        self.recorded: list[tuple[str, str, list[str], str, bytes | None]] = []
        self.problems: list[object] = []
        self._lock = threading.Lock()
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Sequence[Tile] | None]]] = []
        self._finished_at: dict[str, datetime] = {}

    # ------------------------------------------------------------------ what a test does

    def plug(self, port: str, inspection: Inspection, stage: str = "reading") -> None:
        ref = inspection.facts.ref
        self._set(Tile(port, ref.usb_location or "", ref.device_id, ref.platform, stage, 1.0, None))

    def done(self, port: str, inspection: Inspection) -> None:
        ref = inspection.facts.ref
        self._finished_at[inspection.id] = START + timedelta(minutes=len(self._finished_at))
        self._set(Tile(port, ref.usb_location or "", ref.device_id, ref.platform, "done", 42.0, inspection))

    def unplug(self, port: str) -> None:
        with self._lock:
            tile = self.tiles[port]
        self._set(replace(tile, attached=False))

    def stop(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, queue in listeners:
            loop.call_soon_threadsafe(queue.put_nowait, None)

    # ------------------------------------------------------------------ StationView

    def board(self) -> Board:
        with self._lock:
            tiles = [self.tiles[port] for port in sorted(self.tiles, key=_natural)]
        tasks = [task for tile in tiles for task in self._tasks(tile)]
        return Board(
            tiles,
            sorted(tasks, key=lambda task: task.since),
            Health("fake-station", kept=sum(tile.stage == "done" for tile in tiles)),
            self.focus,
        )

    async def changes(self) -> AsyncIterator[Sequence[Tile]]:
        queue: asyncio.Queue[Sequence[Tile] | None] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._listeners.append(entry)
        try:
            while (tiles := await queue.get()) is not None:
                yield tiles
        finally:
            with self._lock:
                self._listeners.remove(entry)

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
        with self._lock:
            found = [tile for tile in self.tiles.values() if tile.inspection_id == inspection_id]
        if not found or found[0].inspection is None:
            raise LookupError(inspection_id)
        tile = found[0]
        before = tile.inspection
        assert before is not None
        inspection = replace(before, facts=replace(before.facts), asked=list(before.asked))
        self.recorded.append(
            (inspection_id, fact, list(values), by, evidence.read_bytes() if evidence is not None else None)
        )
        if fact == "battery":
            try:
                value = float(values[0])
            except ValueError:
                raise InputError(msg("record.not_a_percentage", text=values[0])) from None
            inspection.facts.battery_health_pct = Fact.measured(value, f"manual: battery ({by})")
        elif fact == "mark":
            carrier, mark = Carrier(values[0]), MARKS[values[1]]
            imei = str(inspection.facts.imei.value)
            answer = LookupResult(imei, carrier, mark, raw_mark=values[1], origin=MANUAL_ORIGIN)
            inspection.asked = [
                Asked.of(imei, carrier, answer) if asked.carrier is carrier else asked
                for asked in inspection.asked
            ]
        elif fact == "sim-lock":
            inspection.facts.sim_locked = Fact.measured(values[0] == "locked", f"manual: sim-lock ({by})")
        else:
            raise InputError(msg("web.not_a_fact", facts=[fact]))
        inspection = judged(replace(inspection, id=uuid.uuid4().hex))  # judged again: a new inspection
        self._finished_at[inspection.id] = self._finished_at.get(inspection_id, START)
        self._set(replace(tile, inspection=inspection))
        return inspection

    # ------------------------------------------------------------------ inside

    def _set(self, tile: Tile) -> None:
        with self._lock:
            self.tiles[tile.port] = tile
            listeners = list(self._listeners)
        for loop, queue in listeners:
            loop.call_soon_threadsafe(queue.put_nowait, [tile])

    def _tasks(self, tile: Tile) -> list[Task]:
        inspection = tile.inspection
        verdict = inspection.verdicts.get(self.focus) if inspection is not None else None
        if inspection is None or verdict is None:
            return []
        return [
            Task(
                inspection.id,
                tile.port,
                self._finished_at.get(inspection.id, START),
                reason.condition,
                reason.action or msg("web.queue"),
                RECORDS.get(reason.condition),
            )
            for reason in verdict.reasons
            if reason.level.rank >= Level.SELLABLE_WITH_DISCLOSURE.rank and reason.action is not None
        ]


def _natural(port: str) -> list[object]:
    """As the station orders ports: as people count (A-2 before A-10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", port)]
