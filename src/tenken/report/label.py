"""The phone's label (値札・管理ラベル): a small page for the phone or its bag, printed at the label's size.

What a shop writes on a used phone's tag: model and capacity, colour, grade, the carriers' ○△×− with the
day each answered, the battery, the level on the shop's main channel, the stock number, and a QR code of
the certificate's verify address (or the record hash, report/record.py). One self-contained HTML page
whose @page rule is the label's size; Chromium prints it to PDF (report/pdf.py) as it prints the
certificate. Every string from a phone, a page or a person is HTML-escaped, its control characters made
visible. Words come from the catalog (report/labels.py), Japanese unless the `lang` setting says English.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tenken.facts import Carrier, Outcome
from tenken.inspection import Inspection
from tenken.report.html import CSP, FONTS, qr_svg
from tenken.report.inert import visible
from tenken.report.labels import JST, Lang, label, name, render
from tenken.report.values import colour_name, storage_words

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(?:mm)?\s*$", re.IGNORECASE)
SMALLEST_MM, LARGEST_MM = 12.0, 300.0
DEFAULT_SIZE = "62x100"
NONE = "—"  # what a label shows where there is nothing to show (no grade, no stock number)


@dataclass(frozen=True, slots=True)
class Size:
    """A label's size in millimetres: width × height, as the printer feeds it."""

    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.width:g}x{self.height:g}mm"


def label_size(text: str) -> Size | None:
    """`62x100`, `29x90mm`, `62 × 29 mm`: the size; None when it is not one (or under 12 mm, over 300 mm)."""
    found = _SIZE.match(text)
    if found is None:
        return None
    width, height = float(found.group(1)), float(found.group(2))
    if not all(SMALLEST_MM <= side <= LARGEST_MM for side in (width, height)):
        return None
    return Size(width, height)


@dataclass(frozen=True, slots=True)
class LabelOptions:
    size: Size
    lang: Lang
    channel: str  # the shop's main channel: its level is on the label
    channel_title: str  # its title in `lang`, from the policy
    qr: str  # what the QR code carries (station/label.py: the verify address, or the tenken: line)


def grade_of(inspection: Inspection) -> str | None:
    """The grade a person recorded (S, A, B, C, J and its NG items), when the inspection's facts carry
    one; read defensively, as the grade is recorded by `tenken record grade`, which this tenken may not
    have: a `grade` fact on the phone's facts whose value is the letter, or a mapping or object with
    `grade` (and `ng_items`)."""
    fact: Any = getattr(inspection.facts, "grade", None)
    if fact is None or not getattr(fact, "known", False):
        return None
    value: Any = getattr(fact, "value", None)
    ng: Any = getattr(inspection.facts, "ng_items", None)  # `tenken record grade` keeps them beside it
    items: Any = ng.value if ng is not None and getattr(ng, "known", False) else ()
    if isinstance(value, Mapping):
        value, items = value.get("grade"), value.get("ng_items") or ()
    elif value is not None and not isinstance(value, str):
        value, items = getattr(value, "grade", None), getattr(value, "ng_items", None) or ()
    if not value:
        return None
    listed = [str(item) for item in items] if isinstance(items, list | tuple) else []
    return f"{value}" + (f" ({', '.join(listed)})" if listed else "")


def phone_label(inspection: Inspection, options: LabelOptions) -> str:
    """The label of one stored inspection as an HTML document (a str)."""
    lang = options.lang
    facts = inspection.facts
    model = str(facts.model_name.value or facts.model_id.value or name(facts.ref.platform, lang))
    size_bytes = facts.storage_bytes.value
    storage = storage_words(size_bytes) if facts.storage_bytes.known and size_bytes is not None else ""
    colour = colour_name(facts)
    verdict = inspection.verdicts.get(options.channel)
    rows = [
        (label("fact.colour", lang), render(colour, lang) if colour is not None else NONE, "colour"),
        (label("label.grade", lang), grade_of(inspection) or NONE, "grade"),
        (label("label.battery", lang), _battery(inspection, lang), "battery"),
        (label("cert.stock_no", lang), inspection.stock_no or NONE, "stock"),
    ]
    cells = "".join(
        f'<tr><th>{_text(words)}</th><td data-k="{key}">{_text(value)}</td></tr>'
        for words, value, key in rows
    )
    level = name(verdict.level, lang) if verdict is not None else label("value.unknown", lang)
    level_css = verdict.level.value.lower() if verdict is not None else "hold"
    size = options.size
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="tenken:inspection" content="{_text(inspection.id)}">
<meta name="tenken:label-size" content="{size}">
<title>{_text(model)} {inspection.id[:8]}</title>
<style>{_style(size)}</style>
</head>
<body>
<div class="label">
<div class="text">
<div class="head"><span data-k="model" class="model">{_text(model)}</span>
<span data-k="storage" class="storage">{_text(storage)}</span></div>
<div class="level {level_css}"><span class="channel">{_text(options.channel_title)}</span>
<span data-k="level">{_text(level)}</span></div>
<table class="facts">{cells}</table>
<div class="marks" data-k="marks">{_marks(inspection, lang)}</div>
</div>
<figure class="qr-box"><span data-k="qr">{qr_svg(options.qr, scalable=True)}</span>
<figcaption data-k="id">{_text(inspection.id[:8])}</figcaption></figure>
</div>
</body>
</html>
"""


def _text(value: object) -> str:
    return html.escape(visible(str(value)), quote=True)


def _battery(inspection: Inspection, lang: Lang) -> str:
    health = inspection.facts.battery_health_pct
    if not health.known:
        return label("value.unknown", lang)
    return f"{float(health.value or 0):.0f} %"


def _marks(inspection: Inspection, lang: Lang) -> str:
    """One line per carrier answer (the primary IMEI's first; IMEI2's marked 2): name, mark, the day it
    was answered (JST). Carriers not asked are left out; a label says what was found."""
    if not inspection.looked_up:
        return f"<div>{_text(label('label.not_looked_up', lang))}</div>"
    primary = inspection.facts.imei.value
    order = {carrier: index for index, carrier in enumerate(Carrier)}
    answered = sorted(
        (asked for asked in inspection.asked if asked.result is not None),
        key=lambda asked: (asked.imei != primary, asked.imei, order[asked.carrier]),
    )
    if not answered:
        return f"<div>{_text(label('label.no_answers', lang))}</div>"
    lines = []
    for asked in answered:
        result = asked.result
        assert result is not None
        outcome = result.outcome
        mark = outcome.symbol if outcome.is_mark else label(f"cell.{outcome.value}", lang)
        css = {Outcome.OK: "ok", Outcome.RESTRICTED: "blocked"}.get(outcome, "hold")
        second = "²" if asked.imei != primary else ""
        day = result.checked_at.astimezone(JST).strftime("%Y-%m-%d")
        lines.append(
            f'<div class="mark"><span class="carrier">{_text(name(asked.carrier, lang))}{second}</span> '
            f'<span class="glyph {css}">{_text(mark)}</span> <span class="day">{day}</span></div>'
        )
    return "".join(lines)


def _style(size: Size) -> str:
    """The page is the label: @page at its size without margins, the content clipped to it (one page,
    always). A tall label stacks the words over the QR code, a wide one puts the QR code beside them.
    Type and the QR code scale with the label's shorter side (62 mm: 8 pt)."""
    short = min(size.width, size.height)
    wide = size.width > size.height
    points = max(5.0, min(9.0, short / 62 * 8))
    qr = round(min(short - (6 if wide else 4), max(size.width, size.height) * 0.38), 1)
    return f"""
@page {{ size: {size.width:g}mm {size.height:g}mm; margin: 0; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: {FONTS}; font-size: {points:.1f}pt; line-height: 1.2; color: #000; }}
.label {{ width: {size.width:g}mm; height: {size.height:g}mm; overflow: hidden; padding: 1.5mm;
  display: flex; flex-direction: {"row" if wide else "column"}; gap: 1mm; }}
.text {{ flex: 1 1 auto; min-width: 0; min-height: 0; overflow: hidden; display: flex;
  flex-direction: column; gap: 0.6mm; }}
.head {{ font-weight: bold; font-size: 1.3em; overflow-wrap: anywhere; }}
.level {{ border: 0.4mm solid #000; padding: 0.3mm 1mm; font-weight: bold; }}
.level .channel {{ font-weight: normal; font-size: 0.85em; }}
.level.sellable_with_disclosure, .level.hold, .level.parts_only, .level.blocked {{ background: #eee; }}
table {{ border-collapse: collapse; }}
th, td {{ text-align: left; vertical-align: top; padding: 0 2mm 0 0; overflow-wrap: anywhere; }}
th {{ font-weight: normal; white-space: nowrap; color: #333; }}
.marks .glyph {{ font-weight: bold; }}
.marks .day {{ color: #333; font-size: 0.9em; }}
.qr-box {{ margin: 0; text-align: center; flex: 0 0 auto; }}
.qr-box svg {{ display: block; margin: 0 auto; width: {qr:g}mm; height: {qr:g}mm; }}
.qr-box figcaption {{ font-size: 0.8em; color: #333; }}
"""
