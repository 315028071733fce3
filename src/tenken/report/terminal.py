"""Rich renderings for people, in English or Japanese. Every string that came from a phone, a page or a
file goes through `outside()`: rich markup is never interpreted and terminal control sequences are made
visible instead of reaching the terminal (report/inert.py: the rule)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tenken.facts import (
    DeviceFacts,
    DeviceState,
    Fact,
    ImeiReport,
    ImeiStatus,
    LookupResult,
    Message,
    Outcome,
    Provenance,
    msg,
)
from tenken.report.inert import visible as visible  # the rule itself, for plain text
from tenken.report.labels import Lang, fact_code, label, name, render
from tenken.report.values import colour_name, source_words, storage_words, value_words

PROVENANCE_STYLE = {
    Provenance.MEASURED: "green",
    Provenance.INFERRED: "yellow",
    Provenance.UNKNOWN: "red",
}

OUTCOME_STYLE = {
    Outcome.OK: "bold green",
    Outcome.NOT_FOUND: "dim",
    Outcome.PENDING: "bold yellow",
    Outcome.RESTRICTED: "bold red",
}

STATUS_STYLE = {
    ImeiStatus.CLEAN: "bold green",
    ImeiStatus.NOT_REGISTERED: "bold cyan",  # neutral: clean only for a SIM-free model
    ImeiStatus.PENDING: "bold yellow",
    ImeiStatus.RESTRICTED: "bold red",
    ImeiStatus.UNKNOWN: "bold magenta",
    ImeiStatus.INVALID: "bold red",
}


def outside(value: object, style: str = "") -> Text:
    """Text for rich from any outside value: no markup, no terminal control, one line."""
    return Text(visible(str(value)), style=style)


def said(message: Message | None, lang: Lang, style: str = "") -> Text:
    """A message in `lang`. Its parameters may hold phone and page strings: shown, never acted on."""
    return outside(render(message, lang), style)


def format_value(field: str, fact: Fact[Any], lang: Lang) -> str:
    if not fact.known:
        return label("value.unknown", lang)
    value = fact.value
    if isinstance(value, bool) and field == "setup_complete":
        return label("value.done" if value else "value.not_done", lang)
    if isinstance(value, bool):
        return label("value.yes" if value else "value.no", lang)
    if field == "storage_bytes" and isinstance(value, int):
        return storage_words(value)  # the nominal capacity, as a shop writes it
    if field == "sold_for" and isinstance(value, str):
        return name(value, lang)
    if field == "sold_by_candidates" and isinstance(value, list):
        shown = [name(seller, lang) for seller in value]
        return ("、" if lang == "ja" else ", ").join(shown) or label("value.none", lang)
    if field == "erasure_checks" and isinstance(value, dict):
        checks = {key: value.get(key) for key in ("resets", "checked_by", "felica", "jpki")}
        return render(msg("trade.erasure_checks", **checks), lang) or label("value.none", lang)
    if field == "grade_photos" and isinstance(value, list):
        photos = [
            f"{photo.get('name', '')} ({str(photo.get('sha256', ''))[:12]}…)"
            for photo in value
            if isinstance(photo, dict)
        ]
        return ", ".join(photos) or label("value.none", lang)
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or label("value.none", lang)
    if isinstance(value, str):
        return value_words(field, value, lang)
    return str(value)


def device_title(facts: DeviceFacts, lang: Lang, port: str | None = None) -> Text:
    """Platform, id and hub port: its [ports] name when it has one, then its location."""
    ref = facts.ref
    where = f"{port} ({ref.usb_location})" if port else ref.usb_location
    return Text.assemble(
        (name(ref.platform, lang), "bold"),
        " ",
        outside(ref.device_id),
        outside("  " + render(msg("ui.port_at", where=where), lang) if where else ""),
    )


def device_panel(facts: DeviceFacts, lang: Lang, port: str | None = None) -> Panel:
    """One phone: its state, the action to take, then every fact with how it was obtained."""
    parts: list[RenderableType] = []
    if facts.state is not DeviceState.READY:
        parts.append(Text.assemble((f"{name(facts.state, lang)}: ", "bold yellow"), said(facts.action, lang)))
    table = Table(box=box.SIMPLE, show_header=True, expand=False, pad_edge=False)
    table.add_column(label("ui.fact", lang), overflow="fold")  # a long Japanese name has no space to wrap at
    table.add_column(label("ui.value", lang), overflow="fold")
    table.add_column(label("ui.how", lang))
    table.add_column(label("ui.source_note", lang), overflow="fold")
    for field, fact in facts.facts():
        if not fact.known and not fact.source and fact.note is not None and fact.note.code == "fact.not_read":
            continue
        value = format_value(field, fact, lang)
        if field == "colour" and fact.known:
            named = colour_name(facts)
            if named is None:
                continue  # a code no table names ("1"): not a colour anyone could check
            value = render(named, lang)
        note = render(fact.note, lang)
        table.add_row(
            label(fact_code(field, facts.ref.platform), lang),
            outside(value),
            Text(name(fact.provenance, lang), style=PROVENANCE_STYLE[fact.provenance]),
            outside(source_words(fact.source, lang) + (f" — {note}" if note else ""), style="dim"),
        )
    parts.append(table)
    border = "green" if facts.state is DeviceState.READY else "yellow"
    return Panel(
        Group(*parts), title=device_title(facts, lang, port), title_align="left", border_style=border
    )


def mark_cell(result: LookupResult, lang: Lang) -> Text:
    if result.outcome.is_mark:
        text = Text(result.outcome.symbol, style=OUTCOME_STYLE[result.outcome])
    else:
        text = Text(label(f"cell.{result.outcome.value}", lang), style="magenta")
    if result.from_cache:
        text.append("*", style="dim")
    return text


IMEI_WIDTH = 15
SUMMARY_WIDTH = 30  # the least a summary column gets; narrower, summaries follow the table as lines


def lookup_table(
    reports: Sequence[ImeiReport], carriers: list[str], lang: Lang, width: int = 200, *, header: bool = True
) -> RenderableType:
    """One row per IMEI, one column per carrier, the combined status and what it means.

    Every column but the summary has a width set by the terminal's width alone, so that tables printed
    one after another (the header on the first only) read as one. On a narrow terminal the summaries
    follow the table as lines instead of a squeezed column, and the carrier columns narrow first.
    """
    from tenken.facts import Carrier

    shown = [name(Carrier(carrier), lang) for carrier in carriers]
    status_width = max(cell_len(name(status, lang)) for status in ImeiStatus)
    unread = max(cell_len(label(f"cell.{outcome.value}", lang)) for outcome in Outcome if not outcome.is_mark)
    wanted = [max(cell_len(text), unread + 1) for text in shown]  # "+ 1": the cache's "*"
    fixed = IMEI_WIDTH + status_width + 2 * (len(carriers) + 2)  # + one space each side of every column
    inline = width - fixed - sum(wanted) - 2 >= SUMMARY_WIDTH
    if fixed + sum(wanted) > width:
        wanted = [max(2, (width - fixed) // len(carriers))] * len(carriers)
    table = Table(box=box.SIMPLE_HEAD, show_header=header, show_edge=False)
    table.add_column("IMEI", no_wrap=True, width=IMEI_WIDTH)
    for text, column_width in zip(shown, wanted, strict=True):
        table.add_column(text, justify="center", no_wrap=True, width=column_width)
    table.add_column(label("ui.status", lang), no_wrap=True, width=status_width)
    if inline:
        table.add_column(label("ui.summary", lang), overflow="fold")
    lines: list[RenderableType] = []
    for report in reports:
        by_carrier = {result.carrier.value: result for result in report.results}
        cells: list[Text] = []
        for carrier in carriers:
            result = by_carrier.get(carrier)
            cells.append(mark_cell(result, lang) if result else Text(""))
        status = Text(name(report.status, lang), style=STATUS_STYLE[report.status])
        if inline:
            table.add_row(outside(report.imei), *cells, status, said(report.summary, lang))
        else:
            table.add_row(outside(report.imei), *cells, status)
            lines.append(Text.assemble((visible(report.imei), "bold"), "  ", said(report.summary, lang)))
    return Group(table, *lines) if lines else table


def problems_table(problems: Sequence[tuple[str, LookupResult]], lang: Lang) -> Table:
    """The carriers that could not be read, by IMEI, with their reason (the table only shows the kind)."""
    table = Table(box=box.SIMPLE, title=label("ui.could_not_read", lang), title_justify="left")
    table.add_column("IMEI")
    table.add_column(label("ui.carrier", lang))
    table.add_column(label("ui.why", lang), overflow="fold")
    for imei, result in problems:
        table.add_row(outside(imei), name(result.carrier, lang), said(result.detail, lang))
    return table
