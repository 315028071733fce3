"""Reading carrier pages: decoding, forms (copy every input, as a browser would), and telling apart
the pages that are not answers — maintenance, CAPTCHA, JavaScript-only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlencode, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SHIFT_JIS_NAMES = {"shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "windows-31j", "ms932", "ms_kanji"}


def charset_of(content_type: str, body: bytes, default: str) -> str:
    """The page's declared charset (header, then <meta>), Shift_JIS read as its superset cp932."""
    declared = ""
    match = _CHARSET.search(content_type.encode("latin-1", "replace"))
    if match is None:
        match = _CHARSET.search(body[:4096])
    if match is not None:
        declared = match.group(1).decode("ascii", "replace").lower()
    if declared in _SHIFT_JIS_NAMES:
        return "cp932"
    if not declared:
        return default
    try:
        "".encode(declared)
    except LookupError:
        return default
    return declared


def decode(body: bytes, content_type: str, default: str = "utf-8") -> str:
    """Text of a page. Undecodable bytes become U+FFFD, which never reads as a mark."""
    return body.decode(charset_of(content_type, body, default), errors="replace")


def parse_html(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


def node_text(node: LexborNode) -> str:
    return node.text(deep=True, separator="", strip=False) or ""


@dataclass(slots=True)
class Form:
    action: str  # absolute URL
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submits: dict[str, str] = field(default_factory=dict)  # named submit buttons: name → value

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def set(self, name: str, value: str) -> None:
        """Set a field, replacing any value copied from the page."""
        self.fields = [(key, item) for key, item in self.fields if key != name]
        self.fields.append((name, value))

    def encoded(self, charset: str, submit: str | None = None) -> bytes:
        """The form body a browser would send for this page: in the page's own charset."""
        pairs = list(self.fields)
        if submit is not None and submit in self.submits:
            pairs.append((submit, self.submits[submit]))
        return urlencode(pairs, encoding=charset, errors="xmlcharrefreplace").encode("ascii")


_SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


def forms(tree: LexborHTMLParser, base_url: str) -> list[Form]:
    """Every form on the page with the values a browser would submit."""
    found: list[Form] = []
    for node in tree.css("form"):
        action = urljoin(base_url, (node.attributes.get("action") or "").strip())
        method = (node.attributes.get("method") or "get").strip().lower()
        form = Form(action=action, method=method)
        for control in node.css("input, select, textarea, button"):
            attributes = control.attributes
            name = attributes.get("name")
            if not name:
                continue
            kind = (attributes.get("type") or ("submit" if control.tag == "button" else "text")).lower()
            if control.tag == "button" or kind in {"submit", "image"}:
                # Browsers send only the button that was clicked; the provider chooses it.
                form.submits[name] = attributes.get("value") or node_text(control)
                continue
            if kind in _SKIPPED_INPUTS:
                continue
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                continue
            if control.tag == "select":
                options = control.css("option")
                chosen = next((option for option in options if "selected" in option.attributes), None)
                chosen = chosen or (options[0] if options else None)
                value = "" if chosen is None else chosen.attributes.get("value") or node_text(chosen)
            elif control.tag == "textarea":
                value = node_text(control)
            else:
                value = attributes.get("value") or ""
            form.fields.append((name, value))
        found.append(form)
    return found


class PageKind(Enum):
    MAINTENANCE = "maintenance"
    CAPTCHA = "captcha"
    JAVASCRIPT = "javascript"
    OTHER = "other"


_CAPTCHA_MARKERS = ("captcha", "attestationkey", "/gifcat/", "画像認証", "画像に表示されている")
_MAINTENANCE_MARKERS = (
    "メンテナンス中",
    "システムメンテナンス",
    "ただいまメンテナンス",
    "サービスを停止",
    "ただいま大変混み合って",
    "under maintenance",
)
_JAVASCRIPT_MARKERS = ("javascriptを有効", "javascript を有効", "enable javascript", "javascriptが無効")


def classify(text: str) -> PageKind:
    """Why a page that should hold an answer does not: which kind of non-answer it is."""
    lowered = unicodedata.normalize("NFKC", text).lower()  # ＪａｖａＳｃｒｉｐｔ is common in Japanese pages
    if any(marker in lowered for marker in _CAPTCHA_MARKERS):
        return PageKind.CAPTCHA
    if any(marker in lowered for marker in _MAINTENANCE_MARKERS):
        return PageKind.MAINTENANCE
    if any(marker in lowered for marker in _JAVASCRIPT_MARKERS):
        return PageKind.JAVASCRIPT
    return PageKind.OTHER


def excerpt(text: str, limit: int = 160) -> str:
    """A short one-line rendering of page text for a detail message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def visible_text(tree: LexborHTMLParser) -> str:
    body = tree.body
    if body is None:
        return ""
    for node in body.css("script, style"):
        node.decompose()
    return node_text(body)
