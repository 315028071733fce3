"""The certificate (点検証明書): one self-contained HTML page per inspection, in Japanese and English,
for A4 paper.

Self-contained: inline CSS, an inline SVG QR code, system fonts that hold Japanese, and a Content
Security Policy (`default-src 'none'`) so that the page cannot fetch anything even if a string in it
tried. Every string from a phone, a carrier page or a person is HTML-escaped (and its control
characters made visible) before it is written.

Every value taken from the inspection sits in an element with a `data-k` key. `claims()` reads them
back from any certificate; `tenken verify` compares them with a certificate rendered again from the
store, so an edited verdict, mark, time or hash shows up by its key, and then compares the whole page
(`first_difference`), so that nothing can be added, hidden or restyled around the values either.

Rendering is a function of the stored inspection, its record hash and the `Options` kept with the
certificate in the store: no clock, no random id, no setting of the machine that renders it. Whitespace
is the only thing verification lets differ; no CSS string on the page holds a space, so the style
sheet means the same however its whitespace is laid out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from tenken.facts import Carrier, Fact, Message, Outcome, Platform, msg
from tenken.inspection import (
    MANUAL,
    Asked,
    Earlier,
    Inspection,
    Level,
    Reason,
    battery_method,
    erasure_missing,
)
from tenken.report.labels import LANGS, fact_code, jst, label, name, render
from tenken.report.terminal import format_value, visible
from tenken.report.values import colour_name, via_words

# Family names unquoted (CSS identifiers): a CSS string holding a space would break at a line end.
FONTS = (
    "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Hiragino Kaku Gothic ProN, Yu Gothic, YuGothic, "
    "Meiryo, sans-serif"
)
MONO = "DejaVu Sans Mono, Noto Sans Mono CJK JP, Menlo, Consolas, monospace"
LANGS_WRITTEN = ("ja",)  # a certificate's language: Japanese, with English beside it
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_LONG_NUMBER = re.compile(r"(?<!\d)(\d{10})(\d{4,7})(?!\d)")  # IMEIs (15), IMEISVs (16), MEIDs (14)
_LEVEL_CLASS = {
    Level.SELLABLE: "ok",
    Level.SELLABLE_WITH_DISCLOSURE: "disclose",
    Level.HOLD: "hold",
    Level.PARTS_ONLY: "parts",
    Level.BLOCKED: "blocked",
}
_MARK_CLASS = {Outcome.OK: "ok", Outcome.PENDING: "hold", Outcome.RESTRICTED: "blocked"}


@dataclass(frozen=True, slots=True)
class Options:
    """Everything besides the inspection that a certificate shows: kept with it in the store (the
    `certificates` table) so that `tenken verify` renders the same page again, anywhere, any time."""

    certificate_id: str  # the certificates row that keeps these options
    issued_at: datetime
    full_imei: bool = False  # False: IMEIs show their last 4 digits only
    lang: str = "ja"  # one of LANGS_WRITTEN
    generator: str = ""  # the tenken version writing the certificate
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # channel → (Japanese, English) title
    short: dict[str, tuple[str, str]] = field(default_factory=dict)  # channel → short titles
    # who issued it ([shop] and --by), and where the QR code sends a buyer (certificate.verify_url)
    shop_name: str = ""
    licence_authority: str = ""  # 古物商許可: "東京都公安委員会"
    licence_number: str = ""  # its 12 digits
    technician: str = ""  # 担当者
    verify_url: str = ""  # the shop's page; the QR code carries verify_link(…) to it
    warranty: str = ""  # 保証期間 ([shop] warranty), shown beside the grade; "": not shown


def mask(text: str) -> str:
    """Long digit runs (IMEI, IMEISV, MEID) with all but their last 4 digits hidden."""
    return _LONG_NUMBER.sub(lambda found: "*" * len(found.group(1)) + found.group(2)[-4:], text)


def verify_link(base: str, certificate_id: str, record: str) -> str:
    """The shop's verify page for one certificate: `base` with c=<certificate id>&r=<record sha256> added
    to its query (docs/reports.md)."""
    query = urlencode({"c": certificate_id, "r": record})
    if base.endswith(("?", "&")):
        return base + query
    return f"{base}{'&' if '?' in base else '?'}{query}"


def qr_payload(inspection: Inspection, record: str, options: Options | None = None) -> str:
    """What the QR code carries: the shop's verify page for this certificate when `certificate.verify_url`
    was set; else the inspection id, the IMEI's last 4 digits, the retail verdict and the record hash
    (report/record.py)."""
    if options is not None and options.verify_url:
        return verify_link(options.verify_url, options.certificate_id, record)
    imei = inspection.facts.imei.value if inspection.facts.imei.known else ""
    retail = inspection.verdicts.get("retail")
    return (
        f"tenken:certificate?v=1&id={inspection.id}&imei={str(imei)[-4:]}"
        f"&retail={retail.level.value if retail else ''}&sha256={record}"
    )


def qr_svg(payload: str, *, scalable: bool = False) -> str:
    """The QR code as inline SVG; `scalable`: with a viewBox and no size of its own, to be sized by CSS."""
    import segno

    code = segno.make(payload, error="m", micro=False)
    svg: str = code.svg_inline(
        scale=2, border=2, svgclass="qr", lineclass="qr-line", dark="#000", omitsize=scalable
    )
    return svg


class _Page:
    """Builds the page; every value from the inspection goes through `claim` (escaped, keyed)."""

    def __init__(self, inspection: Inspection, options: Options) -> None:
        self.inspection = inspection
        self.options = options
        self.keys: set[str] = set()
        self.parts: list[str] = []

    def text(self, value: object) -> str:
        return html.escape(visible(str(value)), quote=True)

    def shown(self, value: str) -> str:
        return value if self.options.full_imei else mask(value)

    def claim(self, key: str, value: object, tag: str = "span", css: str = "") -> str:
        assert key not in self.keys, key
        self.keys.add(key)
        kind = f' class="{css}"' if css else ""
        return f'<{tag} data-k="{html.escape(key)}"{kind}>{self.text(value)}</{tag}>'

    def both(self, code: str) -> str:
        """A catalog label in Japanese, then English (static words: not claims)."""
        ja, en = (self.text(label(code, lang)) for lang in LANGS[::-1])
        if ja == en:
            return f"<span>{ja}</span>"
        return f'<span lang="ja">{ja}</span> <span lang="en" class="en">{en}</span>'

    def channel(self, key: str, short: bool = False) -> str:
        """A channel's title from the policy, Japanese then English (its key when the policy has none)."""
        titles = self.options.short if short else self.options.titles
        ja, en = (self.text(title) for title in titles.get(key, (key, key)))
        return f'<span lang="ja">{ja}</span><br><span lang="en" class="en">{en}</span>'

    def said(self, key: str, message: Message | None) -> str:
        """A message in both languages, each a claim."""
        ja, en = (self.shown(render(message, lang)) for lang in ("ja", "en"))
        if ja == en:
            return self.claim(key, ja)
        return (
            f"{self.claim(f'{key}.ja', ja, css='ja')}<br>{self.claim(f'{key}.en', en, tag='span', css='en')}"
        )


def certificate(inspection: Inspection, record: str, options: Options) -> str:
    """The certificate of one stored inspection as an HTML document (a str)."""
    page = _Page(inspection, options)
    facts = inspection.facts
    model = facts.model_name.value or facts.model_id.value or name(facts.ref.platform, "en")
    body = "\n".join(
        [
            _header(page, str(model), record),
            _verdicts(page),
            _identity(page),
            _answers(page),
            _locks(page),
            _trade(page),
            _manual(page),
            _issuer(page),
            _record(page, record),
        ]
    )
    title = f"点検証明書 {visible(str(model))} {inspection.id[:8]}"
    if options.lang not in LANGS_WRITTEN:
        raise ValueError(f"no certificate is written in {options.lang!r}")
    return f"""<!DOCTYPE html>
<html lang="{options.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tenken {page.text(options.generator)}">
<meta name="tenken:inspection" content="{page.text(inspection.id)}">
<meta name="tenken:certificate" content="{page.text(options.certificate_id)}">
<meta name="tenken:record-sha256" content="{page.text(record)}">
<meta name="tenken:imei" content="{"full" if options.full_imei else "masked"}">
<meta name="tenken:issued" content="{options.issued_at.astimezone(UTC).isoformat()}">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def _header(page: _Page, model: str, record: str) -> str:
    inspection = page.inspection
    payload = qr_payload(inspection, record, page.options)
    issued = page.options.issued_at
    return f"""<header>
<div class="title">
<h1>点検証明書 <span class="en">Inspection certificate</span></h1>
<p class="model">{page.claim("phone.title", model)}</p>
<p class="small">発行 <span class="en">issued</span> {page.text(jst(issued))} ({page.text(_utc(issued))})
 · tenken {page.text(page.options.generator)}</p>
</div>
<figure class="qr-box"><span data-k="qr">{qr_svg(payload)}</span>
<figcaption>{page.claim("qr.payload", payload, css="mono")}</figcaption></figure>
</header>"""


def _verdicts(page: _Page) -> str:
    """A box per channel with its level; then one row per reason, with its level on each channel."""
    verdicts = page.inspection.verdicts
    boxes = []
    for channel, verdict in verdicts.items():
        levels = f"{name(verdict.level, 'ja')} / {name(verdict.level, 'en')}"
        boxes.append(
            f'<div class="channel {_LEVEL_CLASS[verdict.level]}"><div class="channel-name">'
            f"{page.channel(channel)}</div>"
            f'<div class="level">{page.claim(f"verdict.{channel}", levels)}</div></div>'
        )
    reasons: dict[str, Reason] = {}
    for verdict in verdicts.values():
        for reason in verdict.reasons:
            reasons.setdefault(reason.condition, reason)
    rows = []
    for condition, reason in reasons.items():
        key = f"reason.{condition}"
        action = (
            f'<div class="action">→ {page.said(f"{key}.action", reason.action)}</div>'
            if reason.action is not None
            else ""
        )
        cells = []
        for channel, verdict in verdicts.items():
            level = next((found.level for found in verdict.reasons if found.condition == condition), None)
            cells.append(
                f'<td class="level-cell {_LEVEL_CLASS[level]}">{page.claim(f"{key}.{channel}", name(level, "ja"))}</td>'
                if level is not None
                else "<td></td>"
            )
        rows.append(f"<tr><td>{page.said(key, reason.says)}{action}</td>{''.join(cells)}</tr>")
    heads = "".join(
        f'<th class="level-cell">{page.channel(channel, short=True)}</th>' for channel in verdicts
    )
    table = (
        f'<table class="reasons"><thead><tr><th>{page.both("ui.why")}</th>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else ""
    )
    return (
        f'<section><h2>{page.both("cert.verdicts")}</h2><div class="channels">{"".join(boxes)}</div>'
        f"{table}</section>"
    )


IDENTITY = (
    "model_name",
    "model_id",
    "part_number",
    "storage_bytes",
    "colour",
    "serial",
    "imei",
    "imei2",
    "os_version",
)
LOCKS = ("owner_lock", "owner_accounts", "supervised", "mdm_enrolled", "bootloader_unlocked", "sim_locked")
BATTERY = ("battery_health_pct", "battery_cycles")


def _identity(page: _Page) -> str:
    return f"<section><h2>{page.both('cert.phone')}</h2>{_facts_table(page, IDENTITY)}</section>"


def _locks(page: _Page) -> str:
    return (
        f"<section><h2>{page.both('cert.locks')}</h2>{_facts_table(page, LOCKS)}</section>"
        f"<section><h2>{page.both('cert.battery')}</h2>{_facts_table(page, BATTERY)}</section>"
    )


def _facts_table(page: _Page, names: tuple[str, ...]) -> str:
    phone = page.inspection.facts
    facts = dict(phone.facts())
    earlier = _carried(page.inspection)
    rows = []
    for field_name in names:
        fact = facts[field_name]
        if not fact.known and not fact.source and field_name in _absent_on(phone.ref.platform):
            continue  # iPhones have no bootloader to read; an Android phone's 型番 is its model ID
        if field_name in CARRIED and earlier is not None and getattr(earlier.facts, field_name).known:
            rows.append(_read_earlier(page, field_name, earlier))
            continue
        value = _value(page, field_name, fact)
        if value is None:
            continue  # a colour code no table names: left out, never shown as "1"
        rows.append(
            f"<tr><th>{page.both(fact_code(field_name, phone.ref.platform))}</th>"
            f"<td>{page.claim(f'fact.{field_name}', value, css='value')}</td>"
            f"<td>{_how(page, field_name, fact)}</td></tr>"
        )
    return f'<table class="facts">{"".join(rows)}</table>'


def _absent_on(platform: Platform) -> tuple[str, ...]:
    """Facts a platform has none of: left out of the certificate when nothing was read for them."""
    return ("bootloader_unlocked",) if platform is Platform.IOS else ("part_number",)


def _carried(inspection: Inspection) -> Earlier | None:
    """The earlier inspection whose owner-lock reading the verdict rests on (the two reads), if it does."""
    rests = any(
        reason.condition == "owner_lock_off_earlier"
        for verdict in inspection.verdicts.values()
        for reason in verdict.reasons
    )
    return inspection.earlier if rests else None


CARRIED = ("owner_lock", "owner_accounts")  # what the earlier read in use stands for on an erased phone


def _read_earlier(page: _Page, field_name: str, earlier: Earlier) -> str:
    """The owner lock (and the accounts that arm it) of an erased phone sold on the strength of an earlier
    read in use: what that read said, when, of which phone, rather than the 不明 an erased phone reads."""
    read = getattr(earlier.facts, field_name)
    value = " / ".join(dict.fromkeys(format_value(field_name, read, lang) for lang in ("ja", "en")))
    code = "cert.measured_earlier"
    how = f"{label(code, 'ja')} {label(code, 'en')}"
    badge = page.claim(f"fact.{field_name}.how", how, css="badge measured")
    source = (
        page.claim(f"fact.{field_name}.source", page.shown(read.source), css="source") if read.source else ""
    )
    note = ""
    if field_name == "owner_lock":
        said = msg(
            "cert.owner_lock_earlier",
            read_at=earlier.read_at,
            inspection=earlier.inspection_id[:8],
            serial=earlier.facts.serial.value if earlier.facts.serial.known else "",
            imeis=earlier.facts.imeis(),
        )
        note = f'<div class="note">{page.said("fact.owner_lock.note", said)}</div>'
    return (
        f"<tr><th>{page.both(f'fact.{field_name}')}</th>"
        f"<td>{page.claim(f'fact.{field_name}', value, css='value')}</td><td>{badge} {source}{note}</td></tr>"
    )


def _value(page: _Page, field_name: str, fact: Fact[Any]) -> str | None:
    if field_name == "colour" and fact.known:
        named = colour_name(page.inspection.facts)
        return (
            None if named is None else " / ".join(dict.fromkeys(render(named, lang) for lang in ("ja", "en")))
        )
    shown = [format_value(field_name, fact, lang) for lang in ("ja", "en")]
    value = shown[0] if shown[0] == shown[1] else f"{shown[0]} / {shown[1]}"
    if field_name.endswith("_pct") and fact.known:
        value += " %"
    return page.shown(value) if field_name in ("imei", "imei2") else value


def _how(page: _Page, field_name: str, fact: Fact[Any]) -> str:
    """How the value is known: measured, inferred, unknown, or entered by hand; its source and note."""
    code = "cert.manual" if fact.source.startswith(MANUAL) else f"provenance.{fact.provenance.value}"
    css = "manual" if fact.source.startswith(MANUAL) else fact.provenance.value
    badge = page.claim(
        f"fact.{field_name}.how", f"{label(code, 'ja')} {label(code, 'en')}", css=f"badge {css}"
    )
    source = (
        page.claim(f"fact.{field_name}.source", page.shown(fact.source), css="source") if fact.source else ""
    )
    note = (
        f'<div class="note">{page.said(f"fact.{field_name}.note", fact.note)}</div>'
        if fact.note is not None and fact.note.code != "fact.not_read"
        else ""
    )
    return f"{badge} {source}{note}"


TRADE_CONDITIONS = frozenset({"grade_unknown", "grade_j", "grade_c", "erasure_unconfirmed"})


def _speaks_trade(inspection: Inspection) -> bool:
    """Whether the inspection was judged with the trade's conditions (grade, erasure): every inspection
    since they exist. One stored before has none and is rendered as it was (tenken verify)."""
    facts = inspection.facts
    return (
        facts.grade.known
        or facts.erasure_checks.known
        or any(
            reason.condition in TRADE_CONDITIONS
            for verdict in inspection.verdicts.values()
            for reason in verdict.reasons
        )
    )


def _trade(page: _Page) -> str:
    """What the used-phone trade writes (the RMJ guideline): the grade with its NG items and the photos'
    sha256, the erasure line, the battery with how it was measured and the trade's battery line."""
    inspection = page.inspection
    if not _speaks_trade(inspection):
        return ""
    rows = [("cert.grade", _grade(page))]
    if page.options.warranty:
        rows.append(("cert.warranty", page.claim("issuer.warranty", page.options.warranty)))
    rows += [("cert.erasure", _erasure(page)), ("cert.battery_trade", _battery_words(page))]
    cells = "".join(f"<tr><th>{page.both(code)}</th><td>{value}</td></tr>" for code, value in rows)
    return f'<section><h2>{page.both("cert.trade")}</h2><table class="facts">{cells}</table></section>'


def _grade(page: _Page) -> str:
    facts = page.inspection.facts
    if not facts.grade.known:
        return page.said("trade.grade", msg("trade.not_graded"))
    ng = [str(item) for item in facts.ng_items.value or []] if facts.ng_items.known else []
    said = page.said("trade.grade", msg("trade.grade", grade=str(facts.grade.value), ng=ng))
    source = page.claim("trade.grade.source", page.shown(facts.grade.source), css="source")
    photos = facts.grade_photos.value if facts.grade_photos.known else []
    shots = "".join(
        f"<li>{page.claim(f'trade.photo.{index}', _photo(photo), css='mono tiny')}</li>"
        for index, photo in enumerate(photos or [])
        if isinstance(photo, dict)
    )
    listed = f'<ul class="manual-list">{shots}</ul>' if shots else ""
    return f'{said}<div class="note">{source}</div>{listed}'


def _photo(photo: dict[str, str]) -> str:
    return f"{photo.get('name', '')} sha256 {photo.get('sha256', '')}"


def _erasure(page: _Page) -> str:
    facts = page.inspection.facts
    missing = erasure_missing(facts)
    checks = facts.erasure_checks.value if facts.erasure_checks.known else None
    checks = checks if isinstance(checks, dict) else {}
    line = (
        msg("trade.erasure_done", resets=checks.get("resets"))
        if not missing
        else msg("trade.erasure_missing", missing=[msg(f"erasure.missing.{step}") for step in missing])
    )
    parts = [page.said("trade.erasure", line)]
    if facts.erased.note is not None:
        parts.append(f'<div class="note">{page.said("trade.erased", facts.erased.note)}</div>')
    if checks:
        said = msg(
            "trade.erasure_checks",
            resets=checks.get("resets"),
            checked_by=checks.get("checked_by"),
            felica=checks.get("felica"),
            jpki=checks.get("jpki"),
        )
        parts.append(f'<div class="note">{page.said("trade.checks", said)}</div>')
        source = page.claim("trade.checks.source", page.shown(facts.erasure_checks.source), css="source")
        parts.append(f'<div class="note">{source}</div>')
    return "".join(parts)


def _battery_words(page: _Page) -> str:
    inspection = page.inspection
    facts = inspection.facts
    method = battery_method(facts)
    if method is None:
        return page.said("trade.battery", msg("trade.battery_unknown"))
    said = msg(
        "trade.battery", percent=facts.battery_health_pct.value, method=msg(f"battery.method.{method}")
    )
    worn = next(
        (
            reason
            for verdict in inspection.verdicts.values()
            for reason in verdict.reasons
            if reason.condition == "battery_worn"
        ),
        None,
    )
    shown = page.said("trade.battery", said)
    if worn is not None:
        line = worn.says.params.get("line", 80)
        shown += (
            f'<div class="note">{page.said("trade.battery_worn", msg("trade.battery_worn", line=line))}</div>'
        )
    return shown


def _answers(page: _Page) -> str:
    inspection = page.inspection
    if not inspection.looked_up:
        return f"<section><h2>{page.both('ui.carrier_answers')}</h2><p>{page.both('cert.not_looked_up')}</p></section>"
    rows = [_answer_row(page, asked, index) for index, asked in enumerate(_ordered(inspection))]
    heads = "".join(
        f"<th>{page.both(code) if code.startswith(('ui.', 'cert.')) else code}</th>"
        for code in ("IMEI", "ui.carrier", "ui.answer", "cert.checked", "ui.evidence")
    )
    return (
        f"<section><h2>{page.both('ui.carrier_answers')}</h2>"
        f'<table class="answers"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def _ordered(inspection: Inspection) -> list[Asked]:
    order = {carrier: index for index, carrier in enumerate(Carrier)}
    primary = inspection.facts.imei.value
    return sorted(
        inspection.asked, key=lambda entry: (entry.imei != primary, entry.imei, order[entry.carrier])
    )


def _answer_row(page: _Page, asked: Asked, index: int) -> str:
    key = f"answer.{index}"
    imei = page.claim(f"{key}.imei", page.shown(asked.imei), css="mono nowrap")
    carrier = page.claim(f"{key}.carrier", _both_names(asked.carrier))
    result = asked.result
    if result is None:
        why = page.said(f"{key}.why_not", asked.why_not)
        return f'<tr class="not-asked"><td>{imei}</td><td>{carrier}</td><td colspan="3">{why}</td></tr>'
    outcome = result.outcome
    css = _MARK_CLASS.get(outcome, "none" if outcome is Outcome.NOT_FOUND else "hold")
    mark = page.claim(f"{key}.mark", outcome.symbol if outcome.is_mark else _both_names(outcome), css="glyph")
    raw = (
        f' <span class="small">({page.both("cert.raw_mark")} {page.claim(f"{key}.raw", result.raw_mark)})</span>'
        if result.raw_mark and result.raw_mark != outcome.symbol
        else ""
    )
    how = f'<div class="small via">{page.said(f"{key}.via", via_words(result))}</div>'
    cached = f'<div class="small">{page.both("cert.from_cache")}</div>' if result.from_cache else ""
    detail = f'<div class="note">{page.said(f"{key}.detail", result.detail)}</div>' if result.detail else ""
    times = (
        f"{page.claim(f'{key}.jst', jst(result.checked_at))}<br>"
        f"{page.claim(f'{key}.utc', _utc(result.checked_at), css='small')}"
    )
    sha = (
        page.claim(f"{key}.sha256", asked.evidence_sha256, css="mono tiny")
        if asked.evidence_sha256
        else page.both("cert.no_page")
    )
    return (
        f'<tr><td>{imei}</td><td>{carrier}</td><td class="mark {css}">{mark}{raw}{how}{detail}</td>'
        f"<td>{times}{cached}</td><td>{sha}</td></tr>"
    )


def _both_names(value: Enum) -> str:
    ja, en = name(value, "ja"), name(value, "en")
    return ja if ja == en else f"{ja} / {en}"


def _manual(page: _Page) -> str:
    entered = [
        (field_name, fact)
        for field_name, fact in page.inspection.facts.facts()
        if fact.source.startswith(MANUAL)
    ]
    if not entered:
        return ""
    items = "".join(
        f"<li>{page.both(f'fact.{field_name}')}: "
        f"{page.claim(f'manual.{field_name}', page.shown(fact.source[len(MANUAL) :].strip()))}</li>"
        for field_name, fact in entered
    )
    return f'<section><h2>{page.both("cert.manual_facts")}</h2><ul class="manual-list">{items}</ul></section>'


def _record(page: _Page, record: str) -> str:
    inspection = page.inspection
    rows = [
        ("cert.inspection_id", page.claim("record.inspection_id", inspection.id, css="mono")),
        ("cert.inspected_at", _times(page, "record.started", inspection.started_at)),
        ("cert.station", page.claim("record.station", inspection.station)),
        ("cert.tenken_version", page.claim("record.tenken_version", inspection.tenken_version)),
        ("cert.policy", page.claim("record.policy", inspection.policy_name)),
        ("cert.policy_sha256", page.claim("record.policy_sha256", inspection.policy_sha256, css="mono tiny")),
        ("cert.record_sha256", page.claim("record.sha256", record, css="mono tiny")),
    ]
    if inspection.stock_no:
        rows.insert(1, ("cert.stock_no", page.claim("record.stock_no", inspection.stock_no)))
    if inspection.earlier is not None:
        rows.append(
            ("cert.earlier", page.claim("record.earlier", inspection.earlier.inspection_id, css="mono"))
        )
    cells = "".join(f"<tr><th>{page.both(code)}</th><td>{value}</td></tr>" for code, value in rows)
    options = page.options
    if options.verify_url:
        link = verify_link(options.verify_url, options.certificate_id, record)
        check = f"{page.both('cert.verify_url')} {page.claim('record.verify_url', link, css='mono')}"
    else:
        check = f"{page.both('cert.verify')} <code>tenken verify FILE</code>"
    return (
        f'<section><h2>{page.both("cert.record")}</h2><table class="facts">{cells}</table>'
        f'<p class="small">{check}</p></section>'
    )


def _issuer(page: _Page) -> str:
    """The shop that issues the certificate, its secondhand-dealer licence and the technician: what a
    buyer and the 古物営業法 expect to see, as the certificate's row keeps them."""
    options = page.options
    rows = []
    if options.shop_name:
        rows.append(("cert.shop_name", page.claim("issuer.shop", options.shop_name)))
    if options.licence_authority and options.licence_number:
        said = msg("cert.licence_value", authority=options.licence_authority, number=options.licence_number)
        rows.append(
            ("cert.licence", page.claim("issuer.licence", render(said, "ja")))
        )  # as the law writes it
    if options.technician:
        rows.append(("cert.technician", page.claim("issuer.technician", options.technician)))
    if not rows:
        return ""
    cells = "".join(f"<tr><th>{page.both(code)}</th><td>{value}</td></tr>" for code, value in rows)
    return f'<section><h2>{page.both("cert.issuer")}</h2><table class="facts">{cells}</table></section>'


def _times(page: _Page, key: str, moment: datetime) -> str:
    return f"{page.claim(f'{key}.jst', jst(moment))} ({page.claim(f'{key}.utc', _utc(moment))})"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------------------------- reading back


class _Claims(HTMLParser):
    """Collects the text of every element with a `data-k` key (nested keys each get their own text) and
    the path data of the QR code's SVG."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.open: list[tuple[str, str | None]] = []  # (tag, key) for every open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") and values.get("content") is not None:
            self.meta[str(values["name"])] = str(values["content"])
            return
        if tag in ("meta", "br", "link", "img", "input"):
            return
        key = values.get("data-k")
        if key is not None:
            self.found.setdefault(key, "")
        if tag == "path" and values.get("d"):
            for _tag, holder in reversed(self.open):
                if holder is not None:
                    self.found[holder] += str(values["d"])
                    break
        self.open.append((tag, key))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("meta", "br", "link", "img", "input"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            opened, _key = self.open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, key in reversed(self.open):
            if key is not None:
                self.found[key] += data
                break


@dataclass(frozen=True, slots=True)
class Claims:
    values: dict[str, str]  # data-k key → text
    meta: dict[str, str]  # <meta name=… content=…>

    def differences(self, other: Claims) -> Iterator[tuple[str, str | None, str | None]]:
        """(key, value here, value there) for every key whose value differs, whitespace aside (as in
        `first_difference`), in document order."""
        for key in dict.fromkeys([*self.values, *other.values]):
            mine, theirs = self.values.get(key), other.values.get(key)
            if mine is None or theirs is None or _spaced(mine) != _spaced(theirs):
                yield key, mine, theirs


def claims(document: str) -> Claims:
    parser = _Claims()
    parser.feed(document)
    parser.close()
    return Claims(parser.found, parser.meta)


# ------------------------------------------------------------------------------------ the whole document

_TOKEN = re.compile(r"<[^>]*>|[^<]+|<")  # a tag (or comment, doctype) as written; a text; a stray "<"
_SPACE = re.compile(r"[\t\n\f\r ]+")  # HTML's ASCII whitespace (not NBSP, not 　): what a re-indent changes
_WORD = re.compile(r"[^\t\n\f\r ]+")
EXCERPT = 60  # characters of each side that a difference shows


def _spaced(text: str) -> str:
    """A text with each run of whitespace made one space, and none at either end."""
    return _SPACE.sub(" ", text).strip(" ")


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str  # normalised: a tag exactly as written, a text `_spaced`
    at: int  # where it starts in the normalised document
    raw: int  # where it starts in the document
    tag: bool


def _pieces(document: str) -> Iterator[_Piece]:
    """The document as tags and texts with runs of whitespace made one space, none at a text's ends and
    no text of whitespace alone: what a re-indented or CRLF copy of the page has in common with it."""
    at = 0
    for found in _TOKEN.finditer(document):
        token = found.group()
        tag = token.startswith("<")
        text = token if tag else _spaced(token)
        if text:
            yield _Piece(text, at, found.start(), tag)
            at += len(text)


def _normalised(document: str) -> str:
    return "".join(piece.text for piece in _pieces(document))


@dataclass(frozen=True, slots=True)
class Difference:
    """The first place where a certificate differs from the one the store renders, whitespace aside."""

    line: int  # where the excerpts start in the certificate, from 1
    column: int  # in that line, from 1
    has: str  # what the certificate has there (up to EXCERPT characters, whitespace normalised)
    renders: str  # what the store's rendering has there


def first_difference(document: str, rendered: str) -> Difference | None:
    """None when `document` is `rendered` but for runs of whitespace between tags and in texts (their
    length and kind: spaces, tabs, CR LF, indentation); else where and how they first differ."""
    mine, theirs = _normalised(document), _normalised(rendered)
    if mine == theirs:
        return None
    index = _common_prefix(mine, theirs)
    piece = _piece_at(document, index)
    start = _excerpt_start(mine, piece, index)
    raw = len(document) if piece is None else piece.raw + _raw_offset(document, piece, start - piece.at)
    line_start = document.rfind("\n", 0, raw) + 1
    return Difference(
        line=document.count("\n", 0, raw) + 1,
        column=raw - line_start + 1,
        has=_excerpt(mine, start),
        renders=_excerpt(theirs, start),
    )


def _common_prefix(one: str, other: str) -> int:
    """The length of the longest common prefix (bisection over slices: C speed on long pages)."""
    low, high = 0, min(len(one), len(other))
    while low < high:
        middle = (low + high + 1) // 2
        if one[:middle] == other[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _piece_at(document: str, index: int) -> _Piece | None:
    return next((piece for piece in _pieces(document) if piece.at + len(piece.text) > index), None)


def _raw_offset(document: str, piece: _Piece, offset: int) -> int:
    """Where the `offset`-th character of a normalised piece is in the piece as written."""
    if piece.tag:
        return offset
    token = _TOKEN.match(document, piece.raw)
    assert token is not None
    position = 0
    for word in _WORD.finditer(token.group()):
        if offset <= position + len(word.group()):
            return word.start() + offset - position
        position += len(word.group()) + 1
    return len(token.group())


def _excerpt_start(normalised: str, piece: _Piece | None, index: int) -> int:
    """Where both excerpts start: at the tag or text the difference is in, or at the word before it when
    that is long; the two documents are the same up to `index`."""
    if piece is None:
        return index
    if index - piece.at <= EXCERPT // 2:
        return piece.at
    if not piece.tag:
        space = normalised.rfind(" ", index - EXCERPT // 2, index)
        if space >= piece.at:
            return space + 1
    return index


def _excerpt(normalised: str, start: int) -> str:
    text = normalised[start : start + EXCERPT]
    return text + "…" if start + EXCERPT < len(normalised) else text


STYLE = f"""
@page {{ size: A4; margin: 12mm 12mm 14mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: {FONTS}; font-size: 9.5pt; line-height: 1.4; color: #111; margin: 0 auto;
  max-width: 186mm; padding: 6mm 0; }}
header {{ display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm;
  border-bottom: 2px solid #111; padding-bottom: 3mm; }}
h1 {{ font-size: 18pt; margin: 0 0 1mm; letter-spacing: 0.1em; }}
h1 .en {{ font-size: 10pt; letter-spacing: 0; font-weight: normal; }}
h2 {{ font-size: 11pt; margin: 4mm 0 1.5mm; border-left: 4px solid #333; padding-left: 2mm; }}
h2 .en, th .en {{ font-weight: normal; }}
.model {{ font-size: 13pt; font-weight: bold; margin: 0; }}
.en {{ color: #555; }}
.small {{ font-size: 8pt; color: #444; }}
.tiny {{ font-size: 6.5pt; }}
.mono {{ font-family: {MONO}; word-break: break-all; }}
.qr-box {{ margin: 0; width: 40mm; text-align: center; }}
.qr-box svg {{ width: 32mm; height: 32mm; }}
.qr-box figcaption {{ word-break: break-all; line-height: 1.1; color: #666; font-size: 5.5pt; }}
table.reasons td.level-cell, table.reasons th.level-cell {{ width: 17%; font-size: 8.5pt; }}
.channels {{ display: flex; gap: 3mm; margin-bottom: 2mm; }}
.channel {{ flex: 1; border: 2px solid; border-radius: 2mm; padding: 2mm 3mm; }}
.channel-name {{ font-size: 8.5pt; }}
.level {{ font-size: 12pt; font-weight: bold; }}
.ok {{ color: #0a6b2d; border-color: #0a6b2d; background: #eaf7ee; }}
.disclose {{ color: #1d5f74; border-color: #1d5f74; background: #e8f3f7; }}
.hold {{ color: #8a5a00; border-color: #c58a00; background: #fff6e0; }}
.parts {{ color: #7a1f6f; border-color: #7a1f6f; background: #f8e9f6; }}
.blocked {{ color: #a11212; border-color: #a11212; background: #fbe9e9; }}
.none {{ color: #555; }}
table {{ width: 100%; border-collapse: collapse; margin-bottom: 1mm; }}
th, td {{ border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }}
thead th {{ background: #f0f0f0; }}
table.facts th {{ width: 28%; background: #fafafa; }}
table.facts td.value, table.facts td:nth-child(2) {{ width: 22%; }}
td.mark .glyph {{ font-size: 14pt; font-weight: bold; }}
.nowrap {{ white-space: nowrap; word-break: normal; }}
td.mark .note, td.mark .small {{ font-weight: normal; color: #333; }}
tr.not-asked td {{ color: #555; font-size: 8pt; }}
.note {{ font-size: 8pt; color: #333; }}
.action {{ font-size: 8.5pt; margin-top: 0.5mm; }}
.badge {{ display: inline-block; font-size: 7.5pt; border: 1px solid #888; border-radius: 1mm; padding: 0 1mm; }}
.badge.measured {{ border-color: #0a6b2d; color: #0a6b2d; }}
.badge.inferred {{ border-color: #8a5a00; color: #8a5a00; }}
.badge.unknown {{ border-color: #a11212; color: #a11212; }}
.badge.manual {{ border-color: #1d3f99; color: #fff; background: #1d3f99; }}
.source {{ font-size: 7.5pt; color: #555; word-break: break-all; }}
section {{ break-inside: avoid; }}
code {{ font-size: 8pt; }}
"""
