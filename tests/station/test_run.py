"""The station run (station/run.py) in-process over real sockets: simulated iPhones (usbmuxd + lockdownd),
an emulated Android phone behind the real adb server, the carriers' sites, a database. Its clock is a
ManualClock: the station lists the phones again, retries and drains the spool only when the test moves
the time, so each step is one the test takes rather than one it waits for.

What a face sees is checked through the face's own seam (view.py): `board()`, `changes()`, `record()`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tenken import config
from tenken.errors import InputError
from tenken.facts import Carrier, Outcome, Platform, Provenance, Seal
from tenken.inspection import Level
from tenken.sim.ios.simulator import IosSimulator
from tenken.station import run as station_run
from tenken.station.clock import ManualClock
from tenken.station.pipeline import Options
from tenken.station.run import StationRun
from tenken.station.view import Board, Tile
from tenken.store import open_store
from tenken.verdict.policy import load_policy
from tests.station.conftest import (
    STATION,
    AndroidPhones,
    PrivateServer,
    Sites,
    android,
    iphone,
    station_env,
    stored,
)

SAFETY = 60.0  # seconds before a test that hangs is failed (never part of what a test checks)
HUB = "0x01100000=A-1,0x01100001=A-2,0x011000ff=A-9"  # a port no phone is plugged into


def settings_for(env: dict[str, str]) -> config.Settings:
    return config.load(environ={**env, "TENKEN_PORTS": HUB})


def on_port(profile_name: str, location: int, copy: int = 0) -> object:
    return replace(iphone(profile_name, copy), location_id=location)


async def read(changes: object, until: Callable[[Sequence[Tile]], bool]) -> list[Sequence[Tile]]:
    """The batches a subscriber is handed, up to the one `until` holds for."""
    batches: list[Sequence[Tile]] = []
    async with asyncio.timeout(SAFETY):
        async for tiles in changes:  # type: ignore[attr-defined]
            batches.append(tiles)
            if until(tiles):
                return batches
    pytest.fail(f"the station stopped first; seen: {batches}")


async def board_when(run: StationRun, condition: Callable[[Board], bool]) -> Board:
    async with asyncio.timeout(SAFETY):
        board = await run.until(condition)
    assert board is not None, "the station stopped first"
    return board


async def next_poll(clock: ManualClock, settings: config.Settings) -> None:
    """Move the clock on to the station's next listing (and the drain's next try), once both of the
    run's loops sleep on it: a move while one is busy would only push its next sleep further."""
    async with asyncio.timeout(SAFETY):
        while clock.sleepers < 2:  # the station's loop and the spool's drain
            await asyncio.sleep(0.01)
    clock.advance(settings.watch.poll_seconds)


def tile_of(board: Board, device_id: str) -> Tile:
    [tile] = [tile for tile in board.tiles if tile.device_id == device_id]
    return tile


def stage_of(board: Board, device_id: str) -> str | None:
    """The stage of the phone's tile, None while it is not on the board."""
    return next((tile.stage for tile in board.tiles if tile.device_id == device_id), None)


def shows(tile: Tile, device_id: str, stage: str) -> bool:
    return tile.device_id == device_id and tile.stage == stage


# ------------------------------------------------------------------------------------------ a


async def test_a_plug_is_read_done_and_unplugged_and_every_subscriber_sees_it(
    sites: Sites,
    iphones: IosSimulator,
    androids: AndroidPhones,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = station_env(sites, tmp_path, usbmux=iphones.address, adb_port=androids.host.host.adb_port)
    settings = settings_for(env)
    clock = ManualClock()
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        run = StationRun(settings, store, options, list(Platform), clock=clock)
        async with run:
            board = run.board()
            assert [(tile.port, tile.stage) for tile in board.tiles] == [
                ("A-1", "free"),
                ("A-2", "free"),
                ("A-9", "free"),
            ]
            first, second = run.changes(), run.changes()
            monkeypatch.setattr(station_run, "BEHIND", 2)  # a face that reads nothing falls behind soon
            lazy = run.changes()

            phone = on_port("iphone13-docomo", 0x01100000)
            await asyncio.to_thread(iphones.attach, phone)  # type: ignore[arg-type]
            tcp = await asyncio.to_thread(androids.attach, android("pixel7-jp"))
            await next_poll(clock, settings)  # the next listing finds them
            udid = phone.udid  # type: ignore[attr-defined]
            seen = await read(first, lambda tiles: any(shows(tile, udid, "done") for tile in tiles))
            await board_when(run, lambda board: stage_of(board, tcp.serial) == "done")

            # The first change about the phone names it, on its port; the stages follow in order.
            about = [tile for tiles in seen for tile in tiles if tile.device_id == udid]
            assert about[0].port == "A-1" and about[0].platform is Platform.IOS and about[0].attached
            stages = [tile.stage for tile in about]
            assert stages[-1] == "done" and stages.index("done") == len(stages) - 1
            assert set(stages) <= {"queued", "reading", "looking_up", "judging", "done"}
            done = about[-1]
            assert done.inspection is not None and done.level("retail") is Level.HOLD  # in use, SIM in
            # A second face is handed the very same changes.
            assert await read(second, lambda tiles: tiles == seen[-1]) == seen

            # The Android phone over TCP: its serial is its port; the ports named in [ports] come first.
            board = run.board()
            assert [tile.port for tile in board.tiles] == ["A-1", "A-2", "A-9", tcp.serial]
            assert tile_of(board, tcp.serial).platform is Platform.ANDROID

            # Unplugged: the tile keeps its result, marked; the free ports stay free.
            await asyncio.to_thread(iphones.detach, udid)
            await next_poll(clock, settings)
            [gone] = (await read(first, lambda tiles: any(not tile.attached for tile in tiles)))[-1]
            assert (gone.port, gone.device_id, gone.stage, gone.attached) == ("A-1", udid, "done", False)
            assert gone.inspection_id == done.inspection_id
            board = run.board()
            assert [(tile.port, tile.stage) for tile in board.tiles if tile.port in ("A-2", "A-9")] == [
                ("A-2", "free"),
                ("A-9", "free"),
            ]

            # The face that read nothing fell behind: it is handed the whole board, then goes on.
            everything = await read(lazy, lambda tiles: True)
            assert [tile.port for tile in everything[0]] == [tile.port for tile in run.board().tiles]
        assert run.board().health.kept == 2
        assert await read_rest(first) == []  # its iteration ends with the station
        assert (await read_rest(second))[-1] == (gone,)  # the rest it had not read, then the end


async def plugged(
    run: StationRun, iphones: IosSimulator, clock: ManualClock, profile: str, changes: object
) -> str:
    """`profile` plugged into port A-2 and inspected (its tile done); its UDID."""
    phone = on_port(profile, 0x01100001)
    udid: str = phone.udid  # type: ignore[attr-defined]
    await asyncio.to_thread(iphones.attach, phone)  # type: ignore[arg-type]
    await next_poll(clock, run.settings)
    await read(changes, lambda tiles: any(shows(tile, udid, "done") for tile in tiles))
    return udid


async def read_rest(changes: object) -> list[Sequence[Tile]]:
    """What a subscriber is still handed once the station has stopped (its iteration ends)."""
    async with asyncio.timeout(SAFETY):
        return [tiles async for tiles in changes]  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ b


async def test_a_battery_and_a_mark_recorded_judge_the_phone_again_and_the_board_follows(
    sites: Sites, iphones: IosSimulator, tmp_path: Path
) -> None:
    sites.set_fault(Carrier.DOCOMO, "captcha")  # docomo's checker wants a person: checked by hand
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    settings = settings_for(env)
    clock = ManualClock()
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        async with StationRun(settings, store, options, [Platform.IOS], clock=clock) as run:
            changes = run.changes()
            udid = await plugged(run, iphones, clock, "iphone13-docomo", changes)
            board = run.board()
            before = tile_of(board, udid).inspection
            assert before is not None
            [unanswered] = [task for task in board.tasks if task.condition == "carrier_unanswered"]
            assert (unanswered.inspection_id, unanswered.port, unanswered.record) == (
                before.id,
                "A-2",
                "mark",
            )
            assert unanswered.action is not None and unanswered.since == before.finished_at

            # A battery figure read off Settings: measured, by a person; the phone judged again at once.
            battery = await run.record(before.id, "battery", ["70 %"], by="sato")
            fact = battery.facts.battery_health_pct
            assert (fact.value, fact.provenance) == (70.0, Provenance.MEASURED)
            assert str(fact.source).startswith("manual:") and "sato" in str(fact.source)
            assert "battery_worn" in {reason.condition for reason in battery.verdicts["retail"].reasons}
            assert battery.rechecks == before.id and battery.id != before.id
            [moved] = (await read(changes, lambda tiles: any(t.inspection_id == battery.id for t in tiles)))[
                -1
            ]
            assert (moved.port, moved.stage, moved.attached) == ("A-2", "done", True)
            assert tile_of(run.board(), udid).inspection is battery

            # docomo's marks, checked by hand in a browser and typed as people type them: IMEI (the
            # phone's first), then IMEI2 (named). One IMEI still unread at docomo still holds the phone.
            imei, imei2 = before.facts.imeis()
            first = await run.record(battery.id, "mark", ["ドコモ", "まる"], by="sato")
            assert "carrier_unanswered" in {reason.condition for reason in first.verdicts["retail"].reasons}
            marked = await run.record(first.id, "mark", ["docomo", "○", imei2], by="sato")
            docomo = {asked.imei: asked for asked in marked.asked if asked.carrier is Carrier.DOCOMO}
            for answer in (docomo[imei], docomo[imei2]):
                assert answer.result is not None and answer.result.outcome is Outcome.OK
                assert answer.result.origin == "manual" and answer.evidence_sha256
            conditions = {reason.condition for reason in marked.verdicts["retail"].reasons}
            assert "carrier_unanswered" not in conditions and "battery_worn" in conditions  # both kept
            [moved] = (await read(changes, lambda tiles: any(t.inspection_id == marked.id for t in tiles)))[
                -1
            ]
            assert moved.inspection is marked
            board = run.board()
            assert not [task for task in board.tasks if task.condition == "carrier_unanswered"]
            assert board.health.kept == 4

            with pytest.raises(InputError) as refused:  # not a value: said, nothing kept
                await run.record(marked.id, "battery", ["lots"], by="sato")
            assert refused.value.said is not None and refused.value.said.code == "record.not_a_percentage"
            with pytest.raises(InputError) as refused:  # a mark about an IMEI the phone did not read
                await run.record(marked.id, "mark", ["au", "×", "490154203237518"], by="sato")
            assert refused.value.said is not None and refused.value.said.code == "run.not_its_imei"
            with pytest.raises(LookupError):  # NotFound: no such inspection, on the board or stored
                await run.record("0" * 32, "battery", ["80"], by="sato")

            # docomo still refuses programs: asked again, its unreadable reply never replaces the marks
            # the person recorded.
            asked = sites.hits["docomo"]
            [again] = await run.recheck(("ok",), older_than=timedelta(0))
            assert sites.hits["docomo"] > asked  # docomo was asked
            docomo = {asked.imei: asked for asked in again.after.asked if asked.carrier is Carrier.DOCOMO}
            for answer in (docomo[imei], docomo[imei2]):
                assert answer.result is not None and answer.result.outcome is Outcome.OK
                assert answer.result.origin == "manual"
            assert "carrier_unanswered" not in {r.condition for r in again.after.verdicts["retail"].reasons}
    kept = [(row.record_id, row.rechecks) for row in stored(settings.db_url)]
    assert kept == [
        (before.id, ""),
        (battery.id, before.id),
        (first.id, battery.id),
        (marked.id, first.id),
        (again.after.id, marked.id),
    ]


async def test_a_recheck_in_the_run_asks_again_and_the_board_follows(
    sites: Sites, iphones: IosSimulator, tmp_path: Path
) -> None:
    sites.set_fault(Carrier.DOCOMO, "captcha")  # unread at docomo: due for a re-check
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    settings = settings_for(env)
    clock = ManualClock()
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        async with StationRun(settings, store, options, [Platform.IOS], clock=clock) as run:
            changes = run.changes()
            phone = on_port("iphone13-docomo", 0x01100000)
            udid = phone.udid  # type: ignore[attr-defined]
            await asyncio.to_thread(iphones.attach, phone)  # type: ignore[arg-type]
            await next_poll(clock, settings)
            await read(changes, lambda tiles: any(shows(tile, udid, "done") for tile in tiles))
            before = tile_of(run.board(), udid).inspection
            assert before is not None
            assert "carrier_unanswered" in {reason.condition for reason in before.verdicts["retail"].reasons}
            assert await run.recheck() == []  # read just now: not due before a day has passed

            sites.set_fault(Carrier.DOCOMO, None)  # docomo answers programs again
            [result] = await run.recheck(older_than=timedelta(0))
            after = result.after
            assert after.rechecks == before.id and result.answers
            assert {answer.carrier for answer in result.answers} >= {Carrier.DOCOMO}
            assert "carrier_unanswered" not in {
                reason.condition for reason in after.verdicts["retail"].reasons
            }
            [moved] = (await read(changes, lambda tiles: any(t.inspection_id == after.id for t in tiles)))[-1]
            assert (moved.port, moved.attached) == ("A-1", True)
            assert not [task for task in run.board().tasks if task.condition == "carrier_unanswered"]
    assert [(row.record_id, row.rechecks) for row in stored(settings.db_url)] == [
        (before.id, ""),
        (after.id, before.id),
    ]


async def test_a_grade_and_the_erasure_recorded_through_the_run_judge_the_phone_again(
    sites: Sites, iphones: IosSimulator, tmp_path: Path
) -> None:
    """StationRun.record(…, "grade", …) and (…, "erasure", …): the same recording as `tenken record`
    (signed rows, photos with their sha256), the phone judged again at once (issue 19)."""
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    settings = settings_for(env)
    clock = ManualClock()
    photo = tmp_path / "front.jpg"
    photo.write_bytes(b"\xff\xd8 cracked glass")
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        async with StationRun(settings, store, options, [Platform.IOS], clock=clock) as run:
            udid = await plugged(run, iphones, clock, "iphone14-hello", run.changes())
            before = tile_of(run.board(), udid).inspection
            assert before is not None and before.facts.erased.value is True
            assert {"grade_unknown", "erasure_unconfirmed"} <= {
                reason.condition for reason in before.verdicts["retail"].reasons
            }
            [task] = [task for task in run.board().tasks if task.condition == "erasure_unconfirmed"]
            assert (task.inspection_id, task.record) == (before.id, "erasure")  # the face's form to offer
            with pytest.raises(InputError) as refused:  # J names its NG items
                await run.record(before.id, "grade", ["J"], by="sato")
            assert refused.value.said is not None and refused.value.said.code == "record.junk_needs_ng"

            junk = await run.record(
                before.id, "grade", ["J"], by="sato", ng_items=["画面割れ"], photos=[photo]
            )
            assert (junk.facts.grade.value, junk.facts.ng_items.value) == ("J", ["画面割れ"])
            assert junk.facts.grade_photos.value == [
                {"name": "front.jpg", "sha256": hashlib.sha256(photo.read_bytes()).hexdigest()}
            ]
            assert junk.verdicts["retail"].level is Level.PARTS_ONLY
            checks = ["resets=2", "checked-by=suzuki", "felica=none", "jpki=none"]
            confirmed = await run.record(junk.id, "erasure", checks, by="sato")
            conditions = {reason.condition for reason in confirmed.verdicts["retail"].reasons}
            assert "erasure_unconfirmed" not in conditions and "grade_j" in conditions
    with open_store(settings) as store:
        kept = store.recorded_for("SIMT14HLO005", [])
    assert [(entry.fact, entry.seal) for entry in kept] == [
        ("grade", Seal.SIGNED),
        ("grade_photo", Seal.SIGNED),
        ("erasure_checks", Seal.SIGNED),
    ]


# ------------------------------------------------------------------------------------------ c


async def test_a_stop_ends_every_task_and_keeps_every_plug(
    sites: Sites, iphones: IosSimulator, tmp_path: Path
) -> None:
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    settings = settings_for(env)
    clock = ManualClock()
    before = asyncio.all_tasks()
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        async with StationRun(settings, store, options, [Platform.IOS], clock=clock) as run:
            done = on_port("iphone12-findmy", 0x01100000)
            locked = on_port("iphonese3-screen-locked", 0x01100001)
            for phone in (done, locked):
                await asyncio.to_thread(iphones.attach, phone)  # type: ignore[arg-type]
            await next_poll(clock, settings)
            await board_when(
                run,
                lambda board: (
                    stage_of(board, done.udid) == "done"  # type: ignore[attr-defined]
                    and stage_of(board, locked.udid) == "waiting"  # type: ignore[attr-defined]
                    and board.health.kept == 1  # a tile is done before its row is in the store
                ),
            )
            assert len(run.kept) == 1  # the locked phone waits for the technician: not kept yet
            running = asyncio.all_tasks() - before - {asyncio.current_task()}
            assert {task.get_name() for task in running} >= {"station", "spool-drain", "follow-ios"}
        assert run.ended
        assert asyncio.all_tasks() - before == set()  # nothing of the station is left running
        assert clock.sleepers == 0
        assert {inspection.facts.state.value for inspection in run.kept} == {"ready", "locked"}


# ------------------------------------------------------------------------------------------ d


@pytest.fixture
def outage_settings(
    sites: Sites, iphones: IosSimulator, private_postgres: PrivateServer, tmp_path: Path
) -> config.Settings:
    env = {
        **station_env(sites, tmp_path, usbmux=iphones.address),
        "TENKEN_DB": private_postgres.url,
        "TENKEN_DB_RECONNECT_SECONDS": "0.2",
    }
    return settings_for(env)


async def test_a_store_outage_shows_in_the_health_and_goes_away(
    outage_settings: config.Settings, iphones: IosSimulator, private_postgres: PrivateServer
) -> None:
    settings = outage_settings
    clock = ManualClock()
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station=STATION)
        async with StationRun(settings, store, options, [Platform.IOS], clock=clock) as run:
            assert run.board().health.problems == []
            await asyncio.to_thread(private_postgres.stop)
            phone = on_port("iphone12-findmy", 0x01100000)  # blocked whatever the carriers say
            udid = phone.udid  # type: ignore[attr-defined]
            await asyncio.to_thread(iphones.attach, phone)  # type: ignore[arg-type]
            await next_poll(clock, settings)
            board = await board_when(run, lambda board: stage_of(board, udid) == "done")
            problems = [problem.code for problem in board.health.problems]
            assert problems == ["run.store"], problems  # its inspection waits in the spool
            assert store.waiting() and run.error is not None

            await next_poll(clock, settings)  # the drain tries, and cannot
            board = await health_when(run, lambda codes: "store.spool_stays" in codes)

            await asyncio.to_thread(private_postgres.start)
            await next_poll(clock, settings)  # the drain tries again: the database is back
            await health_when(run, lambda codes: not codes)
            assert not store.waiting() and run.error is None
    engine = sa.create_engine(private_postgres.url)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM inspections")).scalar() == 1
    finally:
        engine.dispose()


async def health_when(run: StationRun, condition: Callable[[list[str]], bool]) -> Board:
    """The board once its health's problem codes satisfy `condition` (the drain works in a thread)."""
    async with asyncio.timeout(SAFETY):
        while True:
            board = run.board()
            if condition([problem.code for problem in board.health.problems]):
                return board
            await asyncio.sleep(0.02)
