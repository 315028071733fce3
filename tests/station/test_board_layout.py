"""The station's board at 80, 100, 120 and 160 columns, in English and Japanese.

The station runs in-process on the simulators (usbmuxd with iPhones, emulated adbd phones behind the
real adb server reached over TCP, the carriers' sites), and `tenken watch`'s own board is drawn into
rich consoles of each width; `tenken inspect`'s board is printed by the real command at each COLUMNS.
What a technician must read on every row — the port, the phone, the first reason — is there in full
(wrapped, never cut to "i…"), a phone over TCP shows its serial, the footer counts each level on its
own, and a port whose phone was unplugged is told from a free one.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from tenken import config
from tenken.facts import Platform
from tenken.inspection import Inspection, Level
from tenken.report.board import phone_name
from tenken.report.labels import LANGS, Lang, label, name
from tenken.report.live import drawn
from tenken.sim.android.adb_server import PrivateAdbServer
from tenken.sim.android.host import ThreadedSimHost
from tenken.sim.ios.simulator import IosSimulator
from tenken.station.pipeline import Options
from tenken.station.run import StationRun
from tenken.station.view import Board, Tile
from tenken.store import open_store
from tenken.verdict.policy import load_policy
from tests.conftest import run_cli
from tests.station.conftest import STATION, Sites, android, iphone, station_env

WIDTHS = (80, 100, 120, 160)
FOCUS = "retail"
# Plugged in this order (usbmuxd gives them the locations 0x01100000, 0x01100001, …): in use (HOLD),
# × (PARTS_ONLY), Find My (BLOCKED), screen locked and not unlocked since restart (waiting, long stage
# names), supervised (BLOCKED); the iPhone SE has the longest model name.
IPHONES = (
    "iphone13-docomo",
    "iphone8-softbank-simlocked",
    "iphone12-findmy",
    "iphonese3-screen-locked",
    "iphone12mini-rebooted",
    "iphone11-supervised",
)
ANDROIDS = ("sov33-au", "pixel7-jp", "shg14-au")  # Xperia X Performance ×, Pixel 7, AQUOS sense9 △
PORTS = "0x01100001=A-02,0x011000ff=A-99"  # a port on the hub no phone has been on
UNPLUGGED = "iphone13-docomo"  # done, then taken off the hub


@dataclass(frozen=True, slots=True)
class Drawn:
    rows: list[Tile]
    text: str  # the board as the terminal shows it
    serials: set[str]  # the adb serials of the phones over TCP
    unplugged: str  # the port of the phone that was taken off the hub


@pytest.fixture(scope="module")
def boards(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[Lang, int], Drawn]:
    """The real station, run until every phone has its result (or waits for the technician), one phone
    unplugged after its result; its board drawn in both languages at every width."""
    tmp = tmp_path_factory.mktemp("board")
    with Sites() as sites, IosSimulator() as iphones, PrivateAdbServer(home=tmp / "adb") as adb:
        env = station_env(sites, tmp, usbmux=iphones.address, adb_port=adb.port)
        settings = config.load(environ={**env, "TENKEN_PORTS": PORTS})
        phones = ThreadedSimHost(adb.port)
        try:
            return asyncio.run(_station(settings, iphones, phones))
        finally:
            phones.close()


async def _station(
    settings: config.Settings, iphones: IosSimulator, phones: ThreadedSimHost
) -> dict[tuple[Lang, int], Drawn]:
    policy = load_policy()
    with open_store(settings) as store:
        options = Options(policy=policy, station=STATION)
        async with StationRun(settings, store, options, list(Platform), focus=FOCUS) as run:
            profiles = [iphone(each) for each in IPHONES]
            for profile in profiles:
                await asyncio.to_thread(iphones.attach, profile)
            attached = await asyncio.to_thread(phones.attach_many, [android(each) for each in ANDROIDS])
            count = len(IPHONES) + len(ANDROIDS)
            await _until(run, lambda board: len(_on_the_hub(board)) == count and _settled(board))
            gone = profiles[IPHONES.index(UNPLUGGED)]
            await asyncio.to_thread(iphones.detach, gone.udid)
            board = await _until(run, lambda board: gone.udid not in _on_the_hub(board) and _settled(board))
            rows = list(board.tiles)
            [unplugged] = [row.port for row in rows if row.device_id == gone.udid]
            drawn_boards = {}
            for lang in LANGS:
                for width in WIDTHS:
                    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
                    console.print(drawn(board, titles(lang), lang, label("watch.title", lang)))
                    serials = {each.serial for each in attached}
                    drawn_boards[lang, width] = Drawn(rows, console.export_text(), serials, unplugged)
            return drawn_boards


def _on_the_hub(board: Board) -> set[str]:
    return {tile.device_id for tile in board.tiles if tile.attached and tile.platform is not None}


def _settled(board: Board) -> bool:
    """Every phone on the hub has its result, or waits for the technician."""
    return all(tile.stage in ("done", "waiting") for tile in board.tiles if tile.attached and tile.platform)


async def _until(run: StationRun, condition: Callable[[Board], bool], seconds: float = 60.0) -> Board:
    async with asyncio.timeout(seconds):
        board = await run.until(condition)
    assert board is not None, "the station stopped"
    return board


# ------------------------------------------------------------------------------------------ reading a board


@dataclass(frozen=True, slots=True)
class Read:
    """A board as a person reads it: the headings shown, and per row (by port) the text of each column,
    its wrapped lines in order."""

    headings: list[str]
    rows: dict[str, dict[str, list[str]]]
    footer: str


def cells_of(line: str, starts: list[int]) -> list[str]:
    """The line cut at the cell offsets `starts` (East Asian wide characters are two cells)."""
    cut: list[str] = [""] * len(starts)
    position = 0
    for char in line:
        column = max((i for i, start in enumerate(starts) if start <= position), default=0)
        cut[column] += char
        position += cell_len(char)
    return [cell.strip() for cell in cut]


def read_board(text: str, headings: list[str], footer_starts: str) -> Read:
    """`headings`: every heading the board may show, in its order; those found in the heading line
    (the line before the rule) are the columns."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("───"))
    head = lines[rule - 1]
    shown: list[tuple[int, str]] = []
    for heading in headings:
        found = re.search(rf"(?<!\S){re.escape(heading.split()[0])}(?!\S)", head)
        if found:
            shown.append((cell_len(head[: found.start()]), heading))
    starts = [start for start, _ in shown]
    rows: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    end = rule + 1
    for end in range(rule + 1, len(lines)):
        line = lines[end]
        if line.startswith(footer_starts):
            break
        cells = cells_of(line, starts)
        if cells[0]:
            current = {heading: [] for _, heading in shown}
            rows[cells[0]] = current
        for (_, heading), cell in zip(shown, cells, strict=True):
            if cell:
                current[heading].append(cell)
    return Read([heading for _, heading in shown], rows, " ".join(lines[end:]))


def whole(text: str | list[str]) -> str:
    """What a cell says (a text, or the wrapped lines of a cell), spaces aside: a wrap drops the space
    it breaks at."""
    return "".join("".join(text).split())


def expected_phone(row: Tile, lang: Lang) -> str:
    if row.inspection is None:
        return ""
    return phone_name(row.inspection, lang)


def expected_reason(inspection: Inspection | None, lang: Lang) -> str:
    verdict = inspection.verdicts.get(FOCUS) if inspection is not None else None
    if verdict is None or verdict.level is Level.SELLABLE or not verdict.reasons:
        return ""
    return label(f"cond.{verdict.reasons[0].condition}", lang)


# ------------------------------------------------------------------------------------------ the live board


def titles(lang: Lang) -> dict[str, str]:
    return {key: entry.title(lang, short=True) for key, entry in load_policy().channels.items()}


@dataclass(frozen=True, slots=True)
class Case:
    lang: Lang
    width: int
    drawn: Drawn


@pytest.fixture(
    params=[(lang, width) for lang in LANGS for width in WIDTHS], ids=lambda key: f"{key[0]}-{key[1]}"
)
def case(request: pytest.FixtureRequest, boards: dict[tuple[Lang, int], Drawn]) -> Case:
    lang, width = request.param
    return Case(lang, width, boards[lang, width])


def test_every_row_shows_its_port_phone_and_reason_at_every_width(case: Case) -> None:
    lang, width, drawn = case.lang, case.width, case.drawn
    channels = titles(lang)
    port, phone, stage, state = (
        label(code, lang) for code in ("demo.port", "demo.phone", "watch.stage", "watch.state")
    )
    reason, elapsed = label("ui.first_reason", lang), label("watch.elapsed", lang)
    board = read_board(
        drawn.text,
        [port, phone, stage, state, *channels.values(), reason, elapsed],
        label("watch.done", lang) + " ",
    )
    assert all(cell_len(line) <= width for line in drawn.text.splitlines()), drawn.text
    assert "…" not in drawn.text, drawn.text  # nothing cut

    # The columns that stay at every width, and the order in which the others go: the time first, then
    # the channels other than the focus one, then the stage joins the focus level.
    assert {port, phone, channels[FOCUS], reason} <= set(board.headings) or (
        {port, phone, state, reason} <= set(board.headings)
    ), drawn.text
    others = [title for key, title in channels.items() if key != FOCUS]
    if elapsed in board.headings:
        assert set(others) <= set(board.headings)
    if set(others) & set(board.headings):
        assert stage in board.headings
    if width >= 160:
        assert set(board.headings) == {port, phone, stage, *channels.values(), reason, elapsed}
    if width >= 80:
        assert stage in board.headings and channels[FOCUS] in board.headings, drawn.text

    assert set(board.rows) == {row.port for row in drawn.rows}, drawn.text
    for row in drawn.rows:
        shown = board.rows[row.port]
        assert whole(shown[phone]) == whole(expected_phone(row, lang)), (row.port, drawn.text)
        if row.stage == "done":
            assert whole(shown[reason]) == whole(expected_reason(row.inspection, lang)), (
                row.port,
                drawn.text,
            )
        for fragment in [*shown[phone], *shown[reason]]:
            assert len(fragment) > 1, (row.port, shown, drawn.text)  # never one letter alone
    for serial in drawn.serials:  # a phone over TCP: its whole serial, where the port would be
        assert serial in board.rows, drawn.text


def test_an_unplugged_port_and_a_free_port_say_so_and_the_footer_counts_each_level(case: Case) -> None:
    lang, drawn = case.lang, case.drawn
    stage, state = label("watch.stage", lang), label("watch.state", lang)
    board = read_board(
        drawn.text,
        [label("demo.port", lang), label("demo.phone", lang), stage, state, *titles(lang).values()],
        label("watch.done", lang) + " ",
    )
    column = stage if stage in board.headings else state
    gone = board.rows[drawn.unplugged]
    assert label("stage.removed", lang) in gone[column], drawn.text  # 抜去済み, its result kept beside it
    assert label("stage.free", lang) in board.rows["A-99"][column], drawn.text  # 空き
    assert label("stage.removed", lang) != label("stage.unplugged", lang)  # not "cut off mid-read"

    done = [row.inspection for row in drawn.rows if row.stage == "done" and row.inspection is not None]
    levels = {level: sum(each.verdicts[FOCUS].level is level for each in done) for level in Level}
    assert levels[Level.PARTS_ONLY] and levels[Level.BLOCKED]  # the case the footer got wrong
    footer = " ".join(board.footer.split())
    for level, count in levels.items():
        if count:
            assert f"{name(level, lang)} {count}" in footer, footer
    assert f"{label('watch.done', lang)} {len(done)}" in footer


# ------------------------------------------------------------------------------------------ tenken inspect


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], set[str]]]:
    """iPhones and Android phones over TCP, attached for `tenken inspect`."""
    tmp = tmp_path_factory.mktemp("inspect-board")
    with Sites() as sites, IosSimulator() as iphones, PrivateAdbServer(home=tmp / "adb") as adb:
        for each in IPHONES:
            iphones.attach(iphone(each))
        phones = ThreadedSimHost(adb.port)
        try:
            attached = phones.attach_many([android(each) for each in ANDROIDS])
            yield (
                station_env(sites, tmp, usbmux=iphones.address, adb_port=adb.port),
                {each.serial for each in attached},
            )
        finally:
            phones.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_inspect_board_shows_phone_reason_and_tcp_serials_at_every_width(
    inspected: tuple[dict[str, str], set[str]], tmp_path: Path, lang: Lang, width: int
) -> None:
    env, serials = inspected
    env = {**env, "COLUMNS": str(width), "TENKEN_DB": str(tmp_path / "t.sqlite3")}
    result = run_cli(["--lang", lang, "inspect"], env)
    lines = result.stdout.split(label("ui.needs_attention", lang))[0].splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("───"))
    text = "\n".join(lines[rule - 1 :])  # the board, from its headings
    assert all(cell_len(line) <= width for line in text.splitlines()), text
    assert "…" not in text and "tcp" not in text, text
    channels = titles(lang)
    port, phone, reason = label("demo.port", lang), label("demo.phone", lang), label("ui.first_reason", lang)
    board = read_board(text, [port, phone, "IMEI", *channels.values(), reason], "\x00")
    assert {port, phone, channels[FOCUS], reason} <= set(board.headings), text
    assert serials <= set(board.rows), text  # over TCP: the serial, not "tcp"

    with open_store(config.load(environ=env)) as store:  # what it printed, as it stored it
        stored = store.latest_inspections(datetime.now(UTC) - timedelta(hours=1))
    assert len(stored) == len(IPHONES) + len(ANDROIDS) == len(board.rows)
    for inspection in stored:
        shown = board.rows[inspection.facts.ref.usb_location or inspection.facts.ref.device_id]
        assert whole(shown[phone]) == whole(phone_name(inspection, lang)), text
        assert whole(shown[reason]) == whole(expected_reason(inspection, lang)), text
        for fragment in [*shown[phone], *shown[reason]]:
            assert len(fragment) > 1, text


def test_details_fold_a_long_japanese_fact_name_rather_than_cut_it(
    inspected: tuple[dict[str, str], set[str]], tmp_path: Path
) -> None:
    env = {**inspected[0], "COLUMNS": "80", "TENKEN_DB": str(tmp_path / "t.sqlite3")}
    result = run_cli(["--lang", "ja", "inspect", "--details", "--no-lookup"], env)
    panels = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert panels and not [line for line in panels if "…" in line], result.stdout
    owner_lock = label("fact.owner_lock", "ja")  # 所有者ロック（アクティベーションロック／FRP）
    assert owner_lock[:6] in result.stdout and cell_len(owner_lock) > 20
