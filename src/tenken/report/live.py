"""The station's live board: one row per hub port (the phone on it, how far its inspection got, a level
per channel, the first reason, how long it has taken) and a footer with the counts and the carriers'
queues. It draws a `Board` (station/view.py: the running station as plain data, the same a web page
shows), so it knows nothing of the station itself; it lays itself out for the terminal's width (80
columns and up keep the port, phone, stage, the focus channel's level and the first reason)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text

from tenken.inspection import Level
from tenken.report.board import LEVEL_STYLE, first_reason, level_text, phone_name
from tenken.report.labels import Lang, label, name, render
from tenken.report.layout import Column, FittedTable, Flow
from tenken.report.terminal import outside
from tenken.station.view import Board, Health, Tile

STAGE_STYLE = {
    "queued": "dim",
    "reading": "cyan",
    "looking_up": "cyan",
    "judging": "cyan",
    "waiting": "bold yellow",
    "done": "green",
    "unplugged": "bold red",
    "free": "dim",  # a [ports] port no phone has been on
}


@dataclass(frozen=True, slots=True)
class Tally:
    """The footer's counts: phones done, waiting for the technician, and the done ones by their level on
    the focus channel (each level on its own: PARTS_ONLY is not BLOCKED)."""

    done: int
    waiting: int
    levels: dict[Level, int]


def drawn(board: Board, channels: dict[str, str], lang: Lang, title: str) -> RenderableType:
    """The board under its title (what `tenken watch` and `tenken demo` show a few times a second)."""
    return Group(Text(title, style="bold"), live_board(board, channels, lang))


def live_board(board: Board, channels: dict[str, str], lang: Lang) -> RenderableType:
    """The board, laid out for the width it is drawn at (report/layout.py). Dropped first: the time,
    then the channels other than the focus one; then the stage and the focus level share one column. The
    port, the phone and the first reason are always there, the phone and the reason wrapped, never cut.
    `channels`: each channel's title in `lang`."""
    rows, focus = board.tiles, board.focus
    port = Column(Text(label("demo.port", lang)), [outside(row.port) for row in rows])
    phone = Column(Text(label("demo.phone", lang)), [outside(_phone(row, lang)) for row in rows], wrap=True)
    stage = Column(Text(label("watch.stage", lang)), [_stage(row, lang) for row in rows], wrap=True)
    levels = {
        key: Column(outside(title), [_level(row, key, lang) for row in rows])  # a policy file's words
        for key, title in channels.items()
    }
    state = Column(Text(label("watch.state", lang)), [_state(row, focus, lang) for row in rows], wrap=True)
    reason = Column(
        Text(label("ui.first_reason", lang)),
        [first_reason(row.inspection, focus, lang) if row.stage == "done" else Text("") for row in rows],
        wrap=True,
    )
    elapsed = Column(
        Text(label("watch.elapsed", lang)),
        [Text(_clock(row.seconds) if row.platform is not None else "", style="dim") for row in rows],
        justify="right",
    )
    focused = [levels[focus]] if focus in levels else []
    table = FittedTable(
        [
            [port, phone, stage, *levels.values(), reason, elapsed],
            [port, phone, stage, *levels.values(), reason],
            [port, phone, stage, *focused, reason],
            [port, phone, state, reason],
        ],
        empty=Text(label("watch.no_phones", lang), style="dim"),
    )
    return Group(table, _footer(rows, focus, lang, board.health))


def counts(rows: Sequence[Tile], focus: str) -> Tally:
    """Done (the unplugged ones too), waiting, and the done ones by their level on `focus`."""
    done = [row.inspection for row in rows if row.stage == "done"]
    levels = dict.fromkeys(Level, 0)
    for inspection in done:
        if inspection is not None and focus in inspection.verdicts:
            levels[inspection.verdicts[focus].level] += 1
    return Tally(len(done), sum(row.stage == "waiting" for row in rows), levels)


def _phone(row: Tile, lang: Lang) -> str:
    if row.inspection is not None:
        inspection = row.inspection
        shown = phone_name(inspection, lang)
        if inspection.stock_no:
            shown += f" [{inspection.stock_no}]"
        return shown
    if row.platform is None:
        return ""
    if row.device_id == row.port:  # a phone over TCP: its port is its serial
        return name(row.platform, lang)
    return f"{name(row.platform, lang)} {row.device_id[-8:]}"


def _stage(row: Tile, lang: Lang) -> Text:
    style = STAGE_STYLE.get(row.stage, "")
    if row.stage == "done" and not row.attached:
        return Text(label("stage.removed", lang), style="dim")  # its result stays; the phone has gone
    if row.stage == "waiting" and row.inspection is not None:
        return Text(name(row.inspection.facts.state, lang), style=style)  # waiting for Trust, unlock…
    return Text(label(f"stage.{row.stage}", lang), style=style)


def _state(row: Tile, focus: str, lang: Lang) -> Text:
    """The stage, or once done the level on the focus channel (and that the phone has gone)."""
    if row.stage != "done":
        return _stage(row, lang)
    shown = _level(row, focus, lang)
    if not row.attached:
        shown.append("\n").append_text(_stage(row, lang))
    return shown


def _level(row: Tile, channel: str, lang: Lang) -> Text:
    inspection = row.inspection
    if row.stage not in ("done", "unplugged") or inspection is None or channel not in inspection.verdicts:
        return Text("")
    return level_text(inspection.verdicts[channel].level, lang)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _footer(rows: Sequence[Tile], focus: str, lang: Lang, footer: Health) -> RenderableType:
    tally = counts(rows, focus)
    parts = [
        Text(f"{label('watch.done', lang)} {tally.done}", style="green"),
        Text(f"{label('watch.waiting', lang)} {tally.waiting}", style="yellow"),
        *(
            Text(f"{name(level, lang)} {count}", style=LEVEL_STYLE[level])
            for level, count in tally.levels.items()
            if count
        ),
        Text(f"{label('watch.kept', lang)} {footer.kept}"),
    ]
    if footer.queued:
        queues = " ".join(f"{name(site, lang)} {count}" for site, count in sorted(footer.queued.items()))
        parts.append(Text(f"{label('watch.queues', lang)}: {queues}", style="cyan"))
    if footer.webhooks_sent:
        parts.append(Text(f"{label('watch.webhooks', lang)} {footer.webhooks_sent}"))
    lines: list[RenderableType] = [
        Flow(parts),
        Text.assemble((label("watch.station", lang) + ": ", "dim"), outside(footer.station, style="dim")),
    ]
    lines += [outside(render(problem, lang), style="bold red") for problem in footer.problems]
    return Group(*lines)
