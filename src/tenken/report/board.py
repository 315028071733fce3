"""The verdict for people: a compact board (one line per phone, a level per channel, the first reason),
what needs the technician, and for one phone the full account: every reason with what it rests on and
what would change it, and every carrier's answer with its time and evidence hash."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tenken.facts import Carrier
from tenken.inspection import Inspection, Level
from tenken.report.labels import Lang, jst, label, name, render
from tenken.report.layout import Column, FittedTable
from tenken.report.terminal import OUTCOME_STYLE, device_panel, outside, said
from tenken.report.values import model_words

PortNames = Callable[[str | None], str | None]  # a USB location → the name on the tray label (config [ports])

LEVEL_STYLE = {
    Level.SELLABLE: "bold green",
    Level.SELLABLE_WITH_DISCLOSURE: "green",
    Level.HOLD: "bold yellow",
    Level.PARTS_ONLY: "bold magenta",
    Level.BLOCKED: "bold red",
}


def level_text(level: Level, lang: Lang) -> Text:
    return Text(name(level, lang), style=LEVEL_STYLE[level])


def phone_name(inspection: Inspection, lang: Lang) -> str:
    facts = inspection.facts
    model = facts.model_name.value or facts.model_id.value
    return model_words(str(model), lang) if model else name(facts.ref.platform, lang)


def _port(inspection: Inspection, ports: PortNames | None) -> str:
    """Its [ports] name, else its USB location, else (a phone over TCP) its adb serial."""
    ref = inspection.facts.ref
    named = ports(ref.usb_location) if ports is not None else None
    return named or ref.usb_location or ref.device_id


def board(
    inspections: Sequence[Inspection],
    channels: dict[str, str],
    lang: Lang,
    focus: str,
    ports: PortNames | None = None,
) -> FittedTable:
    """One line per phone: where it is plugged, what it is, its IMEI, a level per channel, and the first
    reason on the channel in `focus`. `channels` maps a channel key to its title in `lang`. Laid out for
    the width it is drawn at (report/layout.py): the channels other than `focus` go first, then the
    IMEI; the phone and the reason wrap, never cut."""
    port = Column(Text(label("demo.port", lang)), [outside(_port(each, ports)) for each in inspections])
    phone = Column(
        Text(label("demo.phone", lang)),
        [
            outside(phone_name(each, lang) + (f" [{each.stock_no}]" if each.stock_no else ""))
            for each in inspections
        ],
        wrap=True,
    )
    imei = Column(
        Text("IMEI"),
        [
            outside(each.facts.imei.value)
            if each.facts.imei.known
            else Text(label("value.unknown", lang), style="magenta")
            for each in inspections
        ],
    )
    levels = {
        key: Column(  # a policy file's words
            outside(title),
            [
                level_text(each.verdicts[key].level, lang) if key in each.verdicts else Text("")
                for each in inspections
            ],
        )
        for key, title in channels.items()
    }
    reason = Column(
        Text(label("ui.first_reason", lang)),
        [first_reason(each, focus, lang) for each in inspections],
        wrap=True,
    )
    focused = [levels[focus]] if focus in levels else []
    return FittedTable(
        [
            [port, phone, imei, *levels.values(), reason],
            [port, phone, imei, *focused, reason],
            [port, phone, *focused, reason],
        ]
    )


def first_reason(inspection: Inspection | None, focus: str, lang: Lang) -> Text:
    """The first reason on the focus channel, unless the phone is sellable there."""
    focused = inspection.verdicts.get(focus) if inspection is not None else None
    if focused is None or not focused.reasons or focused.level is Level.SELLABLE:
        return Text("")
    return Text(label(f"cond.{focused.reasons[0].condition}", lang))


def attention(inspections: Sequence[Inspection], lang: Lang, focus: str) -> RenderableType | None:
    """What the technician should do next, phone by phone: the actions of every HOLD reason."""
    lines: list[tuple[Text, Text]] = []
    for inspection in inspections:
        verdict = inspection.verdicts.get(focus)
        if verdict is None or verdict.level is not Level.HOLD:
            continue
        actions = list(
            dict.fromkeys(
                render(reason.action, lang)
                for reason in verdict.reasons
                if reason.level is Level.HOLD and reason.action
            )
        )
        where = inspection.facts.ref.usb_location or inspection.facts.ref.device_id
        for action in actions:
            lines.append((outside(f"{where} {phone_name(inspection, lang)}:", style="bold"), outside(action)))
    if not lines:
        return None
    # Two columns, so that a long Japanese action (no spaces to break at) folds beside its phone rather
    # than jumping to a line of its own.
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(no_wrap=True, max_width=32, overflow="fold")
    grid.add_column(overflow="fold")
    for phone, todo in lines:
        grid.add_row(phone, todo)
    return Group(Text(label("ui.needs_attention", lang), style="bold yellow"), grid)


def verdict_panel(inspection: Inspection, channels: dict[str, str], lang: Lang) -> Panel:
    """Every channel's level and every reason: what it rests on, and what would change it."""
    parts: list[RenderableType] = []
    for key, title in channels.items():
        verdict = inspection.verdicts.get(key)
        if verdict is None:
            continue
        parts.append(Text.assemble(outside(f"{title}: ", "bold"), level_text(verdict.level, lang)))
        for reason in verdict.reasons:
            line = Text.assemble("   ", level_text(reason.level, lang), "  ", said(reason.says, lang))
            shown = [label(f"fact.{fact}", lang) for fact in reason.facts if fact != "state"]
            if shown:
                line.append(f"  [{', '.join(shown)}]", style="dim")
            parts.append(line)
            if reason.action is not None and reason.level.rank > Level.SELLABLE.rank:
                parts.append(Text.assemble("      → ", said(reason.action, lang)))
    heading = Text.assemble(label("ui.verdict", lang), "  ", outside(inspection.id), style="bold")
    return Panel(Group(*parts), title=heading, title_align="left", border_style="cyan")


def answers_table(inspection: Inspection, lang: Lang) -> Table | None:
    """Each carrier's answer about each IMEI: the mark, when (JST), from the cache or not, the sha256
    of the page kept as evidence; and the ones not asked, with why."""
    if not inspection.asked:
        return None
    table = Table(box=box.SIMPLE, title=label("ui.carrier_answers", lang), title_justify="left")
    for heading in ("IMEI", "ui.carrier", "ui.answer", "ui.checked_at", "ui.evidence"):
        table.add_column(label(heading, lang) if heading.startswith("ui.") else heading, overflow="fold")
    order = {carrier: index for index, carrier in enumerate(Carrier)}
    for asked in sorted(
        inspection.asked, key=lambda entry: (entry.imei != inspection.facts.imei.value, order[entry.carrier])
    ):
        result = asked.result
        if result is None:
            answer = said(asked.why_not, lang, style="dim")
            table.add_row(outside(asked.imei), name(asked.carrier, lang), answer, "", "")
            continue
        mark = (
            Text(result.outcome.symbol, style=OUTCOME_STYLE[result.outcome])
            if result.outcome.is_mark
            else Text(name(result.outcome, lang), style="magenta")
        )
        if result.from_cache:
            mark.append(" *", style="dim")
        evidence = result.evidence.sha256[:16] + "…" if result.evidence else ""
        table.add_row(outside(asked.imei), name(asked.carrier, lang), mark, jst(result.checked_at), evidence)
    return table


def inspection_details(
    inspection: Inspection, channels: dict[str, str], lang: Lang, ports: PortNames | None = None
) -> Group:
    """One phone in full: its facts, its verdict per channel, the carriers' answers."""
    port = ports(inspection.facts.ref.usb_location) if ports is not None else None
    parts: list[RenderableType] = [
        device_panel(inspection.facts, lang, port),
        verdict_panel(inspection, channels, lang),
    ]
    answers = answers_table(inspection, lang)
    if answers is not None:
        parts.append(answers)
    return Group(*parts)
