"""Rich renderings for people. Every string that came from a phone, a page or a file is escaped here."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tenken.facts import (
    FACT_LABELS,
    DeviceFacts,
    DeviceState,
    Fact,
    ImeiReport,
    ImeiStatus,
    LookupResult,
    Outcome,
    Provenance,
)

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
    ImeiStatus.NOT_REGISTERED: "green",
    ImeiStatus.PENDING: "bold yellow",
    ImeiStatus.RESTRICTED: "bold red",
    ImeiStatus.UNKNOWN: "bold magenta",
    ImeiStatus.INVALID: "bold red",
}


def safe(value: object) -> str:
    """Markup-escaped text for rich, from any outside value."""
    return escape(str(value))


def format_value(name: str, fact: Fact[Any]) -> str:
    if not fact.known:
        return "unknown"
    value = fact.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "storage_bytes" and isinstance(value, int):
        return f"{value / 1e9:.0f} GB"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return str(value)


def device_panel(facts: DeviceFacts) -> Panel:
    """One phone: its state, the action to take, then every fact with how it was obtained."""
    ref = facts.ref
    title = Text.assemble(
        (ref.platform.value, "bold"),
        " ",
        ref.device_id,
        f"  port {ref.usb_location}" if ref.usb_location else "",
    )
    parts: list[RenderableType] = []
    if facts.state is not DeviceState.READY:
        parts.append(
            Text.assemble((f"{facts.state.value.replace('_', ' ')}: ", "bold yellow"), facts.action or "")
        )
    table = Table(box=box.SIMPLE, show_header=True, expand=False, pad_edge=False)
    table.add_column("fact")
    table.add_column("value", overflow="fold")
    table.add_column("how")
    table.add_column("source / note", overflow="fold", style="dim")
    for name, fact in facts.facts():
        if not fact.known and not fact.source and fact.note == "not read":
            continue
        source = fact.source + (f" — {fact.note}" if fact.note else "")
        table.add_row(
            FACT_LABELS.get(name, name),
            Text(format_value(name, fact)),
            Text(fact.provenance.value, style=PROVENANCE_STYLE[fact.provenance]),
            Text(source),
        )
    parts.append(table)
    border = "green" if facts.state is DeviceState.READY else "yellow"
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


# Short cell labels for answers that are not marks; the "could not be read" table says why.
UNREAD_LABEL = {
    Outcome.UNAVAILABLE: "down",
    Outcome.CAPTCHA_REQUIRED: "CAPTCHA",
    Outcome.NEEDS_BROWSER: "browser",
    Outcome.PARSE_ERROR: "unreadable",
    Outcome.INVALID_IMEI: "invalid",
}


def mark_cell(result: LookupResult) -> Text:
    if result.outcome.is_mark:
        text = Text(result.outcome.symbol, style=OUTCOME_STYLE[result.outcome])
    else:
        text = Text(UNREAD_LABEL.get(result.outcome, result.outcome.value), style="magenta")
    if result.from_cache:
        text.append("*", style="dim")
    return text


def lookup_table(reports: list[ImeiReport], carriers: list[str], width: int = 200) -> RenderableType:
    """One row per IMEI, one column per carrier, the combined status and what it means.

    On a narrow terminal the summaries follow the table as lines instead of a squeezed column.
    """
    inline = width >= 110
    cached = any(result.from_cache for report in reports for result in report.results)
    table = Table(box=box.SIMPLE_HEAD, caption="* from the cache" if cached else None, caption_justify="left")
    table.add_column("IMEI", no_wrap=True)
    for carrier in carriers:
        table.add_column(carrier, justify="center", no_wrap=True)
    table.add_column("status", no_wrap=True)
    if inline:
        table.add_column("summary", overflow="fold")
    lines: list[RenderableType] = []
    for report in reports:
        by_carrier = {result.carrier.value: result for result in report.results}
        cells: list[Text] = []
        for carrier in carriers:
            result = by_carrier.get(carrier)
            cells.append(mark_cell(result) if result else Text(""))
        status = Text(report.status.value.replace("_", " "), style=STATUS_STYLE[report.status])
        if inline:
            table.add_row(Text(report.imei), *cells, status, Text(report.summary))
        else:
            table.add_row(Text(report.imei), *cells, status)
            lines.append(Text.assemble((report.imei, "bold"), "  ", report.summary))
    return Group(table, *lines) if lines else table


def problems_table(reports: list[ImeiReport]) -> Table | None:
    """The carriers that could not be read, with their one-line reason (the table only shows the kind)."""
    table = Table(box=box.SIMPLE, title="could not be read", title_justify="left")
    table.add_column("IMEI")
    table.add_column("carrier")
    table.add_column("why", overflow="fold")
    for report in reports:
        for result in report.results:
            if not result.outcome.is_mark and report.status is not ImeiStatus.INVALID:
                table.add_row(Text(report.imei), Text(result.carrier.value), Text(result.detail))
    return table if table.row_count else None
