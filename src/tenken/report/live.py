"""The station's live board: one row per hub port (the phone on it, how far its inspection got, a level
per channel, the first reason, how long it has taken) and a footer with the counts and the carriers'
queues. It is drawn from plain rows the watch command builds, so it knows nothing of the station."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tenken.facts import Platform
from tenken.inspection import Inspection, Level
from tenken.report.board import level_text, phone_name
from tenken.report.labels import Lang, label, name
from tenken.report.terminal import outside

STAGE_STYLE = {
    "queued": "dim",
    "reading": "cyan",
    "looking_up": "cyan",
    "judging": "cyan",
    "waiting": "bold yellow",
    "done": "green",
    "unplugged": "bold red",
}


@dataclass(frozen=True, slots=True)
class PortRow:
    """What the board shows of one port."""

    port: str  # its [ports] name, else its raw location (or the adb serial of a phone over TCP)
    device_id: str
    platform: Platform
    stage: str  # one of STAGE_STYLE
    seconds: float  # since the phone was plugged in (until it was done)
    inspection: Inspection | None  # the latest, once there is one


@dataclass(frozen=True, slots=True)
class Footer:
    station: str
    queued: Mapping[str, int] = field(default_factory=dict)  # carrier site → look-ups waiting or running
    problems: Sequence[str] = ()  # a transport that cannot be asked, the database, the webhook
    kept: int = 0
    webhooks_sent: int = 0


def live_board(
    rows: Sequence[PortRow], channels: dict[str, str], lang: Lang, focus: str, footer: Footer
) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column(label("demo.port", lang), no_wrap=True)
    table.add_column(label("demo.phone", lang), overflow="ellipsis", max_width=28)
    table.add_column(label("watch.stage", lang), no_wrap=True)
    for title in channels.values():
        table.add_column(outside(title), no_wrap=True)  # a policy file's words
    table.add_column(label("ui.first_reason", lang), overflow="ellipsis", max_width=40)
    table.add_column(label("watch.elapsed", lang), justify="right", no_wrap=True)
    for row in rows:
        inspection = row.inspection
        done = row.stage == "done"
        table.add_row(
            outside(row.port),
            outside(_phone(row, lang)),
            _stage(row, lang),
            *(
                _level(inspection, key, lang) if done or row.stage == "unplugged" else Text("")
                for key in channels
            ),
            _first_reason(inspection, focus, lang) if done else Text(""),
            Text(_clock(row.seconds), style="dim"),
        )
    if not rows:
        table.add_row(Text(label("watch.no_phones", lang), style="dim"), *[""] * (len(channels) + 4))
    return Group(table, _footer(rows, focus, lang, footer))


def counts(rows: Sequence[PortRow], focus: str) -> dict[str, int]:
    """Done, waiting for the technician, and blocked (or parts only) on the focus channel."""
    done = [row for row in rows if row.stage == "done"]
    return {
        "done": len(done),
        "waiting": sum(row.stage == "waiting" for row in rows),
        "blocked": sum(
            row.inspection is not None
            and focus in row.inspection.verdicts
            and row.inspection.verdicts[focus].level in (Level.BLOCKED, Level.PARTS_ONLY)
            for row in done
        ),
    }


def _phone(row: PortRow, lang: Lang) -> str:
    if row.inspection is not None:
        inspection = row.inspection
        shown = phone_name(inspection, lang)
        if inspection.stock_no:
            shown += f" [{inspection.stock_no}]"
        return shown
    return f"{name(row.platform, lang)} {row.device_id[-8:]}"


def _stage(row: PortRow, lang: Lang) -> Text:
    style = STAGE_STYLE.get(row.stage, "")
    if row.stage == "waiting" and row.inspection is not None:
        return Text(name(row.inspection.facts.state, lang), style=style)  # waiting for Trust, unlock…
    return Text(label(f"stage.{row.stage}", lang), style=style)


def _level(inspection: Inspection | None, channel: str, lang: Lang) -> Text:
    if inspection is None or channel not in inspection.verdicts:
        return Text("")
    return level_text(inspection.verdicts[channel].level, lang)


def _first_reason(inspection: Inspection | None, focus: str, lang: Lang) -> Text:
    verdict = inspection.verdicts.get(focus) if inspection is not None else None
    if verdict is None or not verdict.reasons or verdict.level is Level.SELLABLE:
        return Text("")
    return Text(label(f"cond.{verdict.reasons[0].condition}", lang))


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _footer(rows: Sequence[PortRow], focus: str, lang: Lang, footer: Footer) -> RenderableType:
    counted = counts(rows, focus)
    parts = [
        Text(f"{label('watch.done', lang)} {counted['done']}", style="green"),
        Text(f"{label('watch.waiting', lang)} {counted['waiting']}", style="yellow"),
        Text(f"{label('watch.blocked', lang)} {counted['blocked']}", style="red"),
        Text(f"{label('watch.kept', lang)} {footer.kept}"),
    ]
    if footer.queued:
        queues = " ".join(f"{name(site, lang)} {count}" for site, count in sorted(footer.queued.items()))
        parts.append(Text(f"{label('watch.queues', lang)}: {queues}", style="cyan"))
    if footer.webhooks_sent:
        parts.append(Text(f"{label('watch.webhooks', lang)} {footer.webhooks_sent}"))
    lines: list[RenderableType] = [
        Text(" · ").join(parts),
        Text.assemble((label("watch.station", lang) + ": ", "dim"), outside(footer.station, style="dim")),
    ]
    lines += [outside(problem, style="bold red") for problem in footer.problems]
    return Group(*lines)
