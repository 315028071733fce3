"""The running station as one object: `StationRun` owns the station (watch.py), the look-up pipeline,
the webhook sender, the drain of the store's spool, stop and the signals, and offers what a face shows
(view.py: the board as plain data, its changes, and `record` for what a person read off a phone).
`tenken watch` (the terminal), `tenken serve` (a web page) and `tenken demo` are faces of it.

    async with StationRun(settings, store, options, platforms, focus="retail") as run:
        board = run.board()            # now
        async for tiles in run.changes():  # every change, until the station stops
            draw(board, tiles)             # the face's own drawing

Every task of the run — the station's loop, the transports' followers, each phone's inspection, the
webhook sender, the spool's drain — belongs to one asyncio.TaskGroup: leaving the `async with` (or
`stop()`, a signal, `--once` done) ends them all, after the station kept each plug's last inspection.
Time comes from a Clock (clock.py): a test moves it by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections import deque
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from tenken.config import Settings
from tenken.errors import EXIT_OK, InputError, NotFound, Spooled, StoreError
from tenken.facts import Carrier, LookupResult, Message, Platform, msg, utcnow
from tenken.inspection import Inspection, Level, Recorded
from tenken.station.clock import Clock, SystemClock, pause
from tenken.station.label import Labeller
from tenken.station.outcome import exit_code
from tenken.station.pipeline import Options, Pipeline
from tenken.station.recheck import Recheck
from tenken.station.recording import (
    ERASURE,
    GRADE,
    MARK,
    GradeEntry,
    Screenshot,
    recorded_fact,
    recorded_mark,
    trade_entries,
)
from tenken.station.view import Board, Health, StationView, Task, Tile
from tenken.station.watch import Plug, Station
from tenken.station.webhooks import Sender, changed
from tenken.store import Store

log = logging.getLogger(__name__)

# A HOLD reason a person finishes with `tenken record FACT` (or the face's form for it).
RECORDS = {
    "sim_lock_unconfirmed": "sim-lock",
    "battery_unknown": "battery",
    "owner_lock_unknown": "owner-lock",
    "mdm_unknown": "mdm",
    "imei_unknown": "imei",
    "carrier_unanswered": MARK,
    "grade_unknown": GRADE,  # a shop's policy may hold an ungraded phone
    "erasure_unconfirmed": ERASURE,
}
BEHIND = 256  # changes a subscriber may leave unread; past that it is handed the whole board instead
RECHECKED = ("pending", "unknown")  # the answers a re-check asks again by default (as `tenken recheck`)
WEBHOOK_INTERVAL = 1.0  # seconds between the sender's passes over the outbox


class StationRun(StationView):
    """One station, running: use as `async with StationRun(…) as run:`; the block is the face."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        options: Options,
        platforms: Sequence[Platform],
        *,
        focus: str = "retail",
        once: bool = False,
        give_up_after: float | None = None,
        signals: bool = False,
        clock: Clock | None = None,
        on_kept: Callable[[Inspection], None] | None = None,
    ) -> None:
        """`once`: stop when every phone attached now has its result (or after `give_up_after` seconds);
        `signals`: SIGINT and SIGTERM stop the station; `on_kept` hears every inspection stored."""
        self.settings = settings
        self.store = store
        self.options = options
        self.platforms = list(platforms)
        self.focus = focus
        self.once = once
        self.give_up_after = give_up_after
        self.signals = signals
        self.clock: Clock = clock or SystemClock()
        self.on_kept = on_kept
        self.kept: list[Inspection] = []  # every inspection stored, in order
        self.pipeline = Pipeline(settings, options, store)
        self.station = Station(
            settings,
            self.pipeline,
            store,
            self.platforms,
            on_finished=self._kept,
            webhooks=bool(settings.webhook.url),
            clock=self.clock,
            spawn=self._spawn,
            on_change=self._changed,
        )
        self.sender = Sender(settings.webhook, store, settings.station.name) if settings.webhook.url else None
        # label.auto: a label per inspection kept, made beside the station (labels.py), never waited for
        self.labeller = Labeller(settings, options.policy, store) if settings.label.auto else None
        self._stop = asyncio.Event()
        self._ended = asyncio.Event()  # the station's loop has ended: every plug is kept
        self._tasks: asyncio.TaskGroup | None = None
        self._subscribers: set[_Subscriber] = set()
        self._shown: dict[str, tuple[object, ...]] = {}  # port → what its tile showed last
        self._publishing = False
        self._closed = False  # the run is over: a new subscriber's changes end at once
        self._rejudged = 0
        self._signalled: list[int] = []

    # ---------------------------------------------------------------------------------------- running

    async def __aenter__(self) -> StationRun:
        await self.pipeline.__aenter__()
        self._tasks = asyncio.TaskGroup()
        await self._tasks.__aenter__()
        self._shown = {tile.port: _shows(tile) for tile in self._tiles()}
        self._on_signals()
        self._spawn(self._station_loop(), "station")
        self._spawn(self._drain(), "spool-drain")
        if self.sender is not None:
            self._spawn(self._send(self.sender), "webhook-sender")
        if self.once and self.give_up_after is not None:
            self._spawn(self._give_up(self.give_up_after), "give-up")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Stop, and let every task end on its own: the station keeps each plug's last inspection first."""
        self.stop()
        try:
            if self._tasks is not None:
                await self._tasks.__aexit__(None, None, None)
        finally:
            self._off_signals()
            try:
                if self.sender is not None:
                    await self.sender.aclose()
            finally:
                await self.pipeline.__aexit__(kind, error, trace)
                self._publish()
                self._closed = True
                for subscriber in self._subscribers:
                    subscriber.close()

    def stop(self) -> None:
        """Stop the station (as Ctrl-C does): running reads finish, every plug's last inspection is kept."""
        self._stop.set()

    @property
    def ended(self) -> bool:
        """The station has stopped (and kept every plug)."""
        return self._ended.is_set()

    async def wait(self, seconds: float | None = None) -> bool:
        """Until the station has stopped, or `seconds` on the run's clock; whether it has."""
        if seconds is None:
            await self._ended.wait()
        else:
            await pause(self.clock, seconds, self._ended)
        return self.ended

    def spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """A face's own task (a story that plugs phones, a refresh), owned by the run like its own: it
        must end when the station stops (`wait`, `changes`)."""
        return self._spawn(coroutine, name)

    def _spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        if self._tasks is None:
            coroutine.close()
            raise RuntimeError("the station run is not running: use `async with StationRun(…)`")
        return self._tasks.create_task(coroutine, name=name)

    async def _station_loop(self) -> None:
        try:
            await self.station.run(self._stop, once=self.once)
        finally:
            self._ended.set()
            self.stop()  # --once done: the sender and the drain end too

    async def _send(self, sender: Sender) -> None:
        """What the outbox holds, a pass every WEBHOOK_INTERVAL until the station stops (the phones kept
        as it stops go with the sender's last pass, `aclose`, once the station has kept them)."""
        while True:
            await sender.send_due()
            if await pause(self.clock, WEBHOOK_INTERVAL, self._stop):
                return

    async def _drain(self) -> None:
        """While the store has had trouble, or rows wait in its spool: try the database again, each poll
        (a database that is away answers only after db_reconnect_seconds, in a worker thread)."""
        store = self.store
        while not await pause(self.clock, self.settings.watch.poll_seconds, self._stop):
            if store.health.troubled or store.waiting():
                await asyncio.to_thread(store.drain)

    async def _give_up(self, seconds: float) -> None:
        if not await pause(self.clock, seconds, self._stop):
            self.stop()

    def _on_signals(self) -> None:
        if not self.signals:
            return
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.stop)
                self._signalled.append(number)

    def _off_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self._signalled:
            loop.remove_signal_handler(number)
        self._signalled.clear()

    def _kept(self, inspection: Inspection) -> None:
        self.kept.append(inspection)
        if self.labeller is not None and not self._closed:  # the run's tasks own the labels being made
            self._spawn(self.labeller.make(inspection), f"label-{inspection.id[:8]}")
        if self.on_kept is not None:
            self.on_kept(inspection)

    # ---------------------------------------------------------------------------------------- outcome

    @property
    def error(self) -> StoreError | None:
        """What the store could not take, or lost, and still not in the database (raised after the run)."""
        return self.store.health.error

    @property
    def transport_problems(self) -> dict[Platform, str]:
        """The transports that could not be asked at the last listing."""
        return dict(self.station.problems)

    def exit_code(self) -> int:
        """0 when stopped; with `once`, as `tenken inspect`: the verdicts on the focus channel decide."""
        if not self.once:
            return EXIT_OK
        return exit_code(self.kept, self.focus, [], bool(self.station.problems))

    # ---------------------------------------------------------------------------------------- the view

    def board(self) -> Board:
        tiles = self._tiles()
        return Board(tiles, tasks(tiles), self._health(), self.focus)

    def changes(self) -> _Changes:
        subscriber = _Subscriber(BEHIND)
        if self._closed:
            subscriber.close()
        else:
            self._subscribers.add(subscriber)
        return _Changes(self, subscriber)

    async def until(self, condition: Callable[[Board], bool]) -> Board | None:
        """The board once `condition` holds for it (checked now and at every change); None when the
        station stops first."""
        changes = self.changes()
        try:
            board = self.board()
            if condition(board):
                return board
            async for _tiles in changes:
                board = self.board()
                if condition(board):
                    return board
            return None
        finally:
            await changes.aclose()

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
        before = await self._inspection(inspection_id)
        shot = await asyncio.to_thread(Screenshot.read, evidence) if evidence is not None else None
        entered: list[Recorded] = []
        answers: list[LookupResult] = []
        if fact == MARK:
            imei = _imei_of(before, values)
            answers.append(recorded_mark(imei, values[0], values[1], by=by, evidence=shot))
            await self._keep_entry(self.store.save_lookups, answers)
        elif fact in (GRADE, ERASURE):
            serial, imei = _identity(before)
            shots = [await asyncio.to_thread(Screenshot.read, photo) for photo in photos]
            entry = GradeEntry(tuple(ng_items), note, tuple(shots))
            entered += trade_entries(
                fact, values, entry, self.settings.grade, serial=serial, imei=imei, by=by
            )
            for row in entered:
                await self._keep_entry(self.store.save_recorded, row)
        else:
            if len(values) != 1:
                raise InputError(msg("record.one_value", fact=fact))
            serial, imei = _identity(before)
            entered.append(
                recorded_fact(
                    fact, values[0], serial=serial, imei=imei, by=by, facts=before.facts, evidence=shot
                )
            )
            await self._keep_entry(self.store.save_recorded, entered[0])
        return await self._judged_again(before, entered, answers)

    async def handoff(
        self,
        inspection_id: str,
        carrier: Carrier,
        by: str,
        *,
        headless: bool = False,
        wait_seconds: float = 300.0,
    ) -> Inspection:
        """The assisted browser check for this phone at one carrier (station/handoff.py): its page in a
        Chromium window on the station's screen, the IMEI typed, then IMEI2, the person there doing what a
        person does; what is read is kept and the phone is judged again at once. Raises InputError naming
        why when no answer was read (a time-out, a refusal): nothing is kept then."""
        from tenken.station.handoff import hand_off

        before = await self._inspection(inspection_id)
        imeis = before.facts.imeis()
        if not imeis:
            raise InputError(msg("run.no_identity", inspection=inspection_id))
        handed = await hand_off(
            self.settings,
            self.store,
            imeis,
            [carrier],
            by=by,
            headless=headless,
            wait_seconds=wait_seconds,
            say=lambda said: log.info("handoff: %s", said),
        )
        answers = [each.result for each in handed if each.result is not None]
        if not answers:
            problem = next((each.problem for each in handed if each.problem is not None), None)
            raise InputError(msg("run.handoff_unread", carrier=carrier, why=problem or ""))
        return await self._judged_again(before, [], answers)

    async def _judged_again(
        self, before: Inspection, entered: list[Recorded], answers: list[LookupResult]
    ) -> Inspection:
        """`before` judged again with what a person entered (kept already), kept, and on the board."""
        after = await self.pipeline.rejudge(before, recorded=entered, answers=answers)
        levels = {key: verdict.level.value for key, verdict in before.verdicts.items()}
        moved = levels != {key: verdict.level.value for key, verdict in after.verdicts.items()}
        await self.pipeline.keep(after, [changed(after, levels, "changed")] if moved and self.sender else [])
        self._rejudged += 1
        self._kept(after)
        self.station.judged_again(before, after)
        return after

    async def recheck(
        self,
        statuses: Collection[str] = RECHECKED,
        *,
        older_than: timedelta = timedelta(days=1),
        within: timedelta = timedelta(days=30),
    ) -> list[Recheck]:
        """Ask the carriers again about the stored phones that are due (as `tenken recheck` does, with its
        defaults: answers △ or unread, read over a day ago, phones of the last 30 days), judge them again
        and keep each as a new inspection; a phone on the board shows its new result. The carriers are
        asked afresh (no cached answer), at the same spacing per site as every look-up."""
        from tenken.station.recheck import needs_recheck
        from tenken.station.recheck import recheck as recheck_one

        now = utcnow()
        latest = await asyncio.to_thread(self.store.latest_inspections, now - within)
        due = [inspection for inspection in latest if needs_recheck(inspection, statuses, now - older_than)]
        if not due:
            return []
        fresh = replace(self.options, use_cache=False)
        async with Pipeline(self.settings, fresh, self.store) as pipeline:
            results = list(
                await asyncio.gather(
                    *(recheck_one(pipeline, inspection, statuses, now - older_than) for inspection in due)
                )
            )
        for result in results:
            messages = []
            if result.changed and self.sender is not None:
                before = {channel: level.value for channel, (level, _after) in result.levels.items()}
                messages.append(changed(result.after, before, "changed"))
            await self.pipeline.keep(result.after, messages)
            self._rejudged += 1
            self._kept(result.after)
            shown = self._on_board(result.before.id)
            if shown is not None:
                self.station.judged_again(shown, result.after)
        return results

    def _on_board(self, inspection_id: str) -> Inspection | None:
        for plug in [*self.station.plugs.values(), *self.station.history]:
            if plug.inspection is not None and plug.inspection.id == inspection_id:
                return plug.inspection
        return None

    async def _keep_entry(self, save: Callable[[Any], None], entry: Any) -> None:
        """What a person entered, into the store; when the database is away it waits in the spool, and
        the judgement uses it from memory meanwhile."""
        with contextlib.suppress(Spooled):
            await asyncio.to_thread(save, entry)

    async def _inspection(self, inspection_id: str) -> Inspection:
        """The inspection on the board with this id, else the stored one."""
        shown = self._on_board(inspection_id)
        if shown is not None:
            return shown
        from tenken.inspection import inspection_from_json
        from tenken.store.records import stored_inspection

        stored = await asyncio.to_thread(stored_inspection, self.store, inspection_id)
        if stored is None:
            raise NotFound(msg("error.no_inspection", key=inspection_id))
        return inspection_from_json(stored.data)

    def _tiles(self) -> list[Tile]:
        """One tile per port: the phone on it now, else the last one that was (its result stays, marked
        unplugged, until the port is used again); and each [ports] port no phone has been on, free."""
        settings = self.settings
        now = self.clock.monotonic()
        latest: dict[str, Tile] = {}
        for plug in [*self.station.history, *self.station.plugs.values()]:  # oldest first: the newest wins
            tile = _tile(plug, settings, now)
            latest[tile.port] = tile
        named = list(dict.fromkeys(settings.ports.values()))
        for port in named:
            latest.setdefault(port, Tile(port, "", "", None, "free", 0.0, None))
        order = {port: index for index, port in enumerate(named)}
        return sorted(
            latest.values(), key=lambda tile: (order.get(tile.port, len(order)), natural(tile.port))
        )

    def _health(self) -> Health:
        problems: list[Message] = [
            msg("watch.transport", platform=where, problem=problem)
            for where, problem in self.station.problems.items()
        ]
        health = self.store.health
        if health.error is not None:
            problems.append(msg("run.store", problem=str(health.error)))
        if health.spool_stays is not None:
            problems.append(health.spool_stays)
        if self.sender is not None and self.sender.problem is not None:
            problems.append(self.sender.problem)
        if self.labeller is not None and self.labeller.problem is not None:
            problems.append(self.labeller.problem)
        return Health(
            station=self.settings.station.name,
            problems=problems,
            queued={site: count for site, count in self.pipeline.lookups.client.queued().items() if count},
            kept=self.station.kept + self._rejudged,
            webhooks_sent=self.sender.sent if self.sender is not None else 0,
        )

    # ---------------------------------------------------------------------------------------- changes

    def _changed(self) -> None:
        """Something on the board may have changed: the tiles are compared once this step of the loop is
        over (a plug that changes twice in one step is one change)."""
        if not self._publishing:
            self._publishing = True
            asyncio.get_running_loop().call_soon(self._publish)

    def _publish(self) -> None:
        self._publishing = False
        tiles = self._tiles()
        shown = {tile.port: _shows(tile) for tile in tiles}
        moved = tuple(tile for tile in tiles if self._shown.get(tile.port) != shown[tile.port])
        self._shown = shown
        if moved:
            for subscriber in self._subscribers:
                subscriber.put(moved)


def tasks(tiles: Sequence[Tile]) -> list[Task]:
    """What only a person can do, phone by phone, oldest first: every HOLD reason with an action, on any
    channel (each condition once per phone), with the `tenken record` fact that finishes it."""
    found = [
        task for tile in tiles if tile.inspection is not None for task in tasks_of(tile.inspection, tile.port)
    ]
    return sorted(found, key=lambda task: (task.since, natural(task.port)))


def tasks_of(inspection: Inspection, port: str) -> list[Task]:
    """One phone's share of "needs the technician" (`port`: where it is, or which station)."""
    since = inspection.finished_at or inspection.started_at
    found: dict[str, Task] = {}
    for verdict in inspection.verdicts.values():
        for reason in verdict.reasons:
            if reason.level is not Level.HOLD or reason.action is None or reason.condition in found:
                continue
            record = RECORDS.get(reason.condition)
            found[reason.condition] = Task(
                inspection.id,
                port,
                since,
                reason.condition,
                reason.action,
                record,
                reason.lookups if record == MARK else (),
            )
    return list(found.values())


def natural(text: str) -> tuple[int, list[object]]:
    """Names as people count (A-2 before A-10), usbmuxd's hex LocationIDs as written."""
    if text.startswith("0x"):
        return (0, [text])
    return (1, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)])


def _tile(plug: Plug, settings: Settings, now: float) -> Tile:
    ref = plug.ref
    port = settings.port_name(ref.usb_location) or ref.usb_location or ref.device_id
    return Tile(
        port,
        ref.usb_location or "",
        ref.device_id,
        ref.platform,
        plug.stage.value,
        plug.seconds(now),
        plug.inspection,
        plug.attached,
    )


def _shows(tile: Tile) -> tuple[object, ...]:
    """What a face shows of a tile, but the time: a change of any of it is a change of the tile."""
    return (tile.location, tile.device_id, tile.platform, tile.stage, tile.inspection_id, tile.attached)


def _identity(inspection: Inspection) -> tuple[str, str]:
    """The phone's serial and IMEI as read (what a recorded fact is kept under); InputError without both."""
    facts = inspection.facts
    serial = str(facts.serial.value) if facts.serial.known else ""
    imei = str(facts.imei.value) if facts.imei.known else ""
    if not serial and not imei:
        raise InputError(msg("run.no_identity", inspection=inspection.id))
    return serial, imei


def _imei_of(inspection: Inspection, values: Sequence[str]) -> str:
    """The IMEI a mark is about: the third value (one of the phone's), else the phone's first IMEI."""
    if len(values) not in (2, 3):
        raise InputError(msg("run.mark_values"))
    read = inspection.facts.imeis()
    if len(values) == 3:
        from tenken.station.recording import typed

        wanted = typed(values[2])
        if wanted not in read:
            raise InputError(msg("run.not_its_imei", imei=values[2], inspection=inspection.id))
        return wanted
    if not read:
        raise InputError(msg("run.no_identity", inspection=inspection.id))
    return read[0]


class _Subscriber:
    """One face's queue of changes: bounded, never waited on by the station."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.batches: deque[Sequence[Tile]] = deque()
        self.behind = False  # it fell `limit` changes back: it is handed the whole board next
        self.closed = False
        self.ready = asyncio.Event()

    def put(self, tiles: Sequence[Tile]) -> None:
        if len(self.batches) >= self.limit:
            self.batches.clear()
            self.behind = True
        else:
            self.batches.append(tiles)
        self.ready.set()

    def close(self) -> None:
        self.closed = True
        self.ready.set()


class _Changes(AsyncIterator[Sequence[Tile]]):
    """`StationRun.changes()`: subscribed from the call on, so nothing between the call and the first
    `anext` is missed."""

    def __init__(self, run: StationRun, subscriber: _Subscriber) -> None:
        self._run = run
        self._subscriber = subscriber

    def __aiter__(self) -> _Changes:
        return self

    async def __anext__(self) -> Sequence[Tile]:
        subscriber = self._subscriber
        while True:
            if subscriber.behind:
                subscriber.behind = False
                return tuple(self._run.board().tiles)
            if subscriber.batches:
                return subscriber.batches.popleft()
            if subscriber.closed:
                await self.aclose()
                raise StopAsyncIteration
            subscriber.ready.clear()
            await subscriber.ready.wait()

    async def aclose(self) -> None:
        self._run._subscribers.discard(self._subscriber)
