"""`tenken verify` compares the whole certificate with the one the store renders again, not only its keyed
values: each attack below leaves every keyed value as the station wrote it (so checking the values alone
says "matches") and changes what a buyer sees. A certificate only re-indented, or with CRLF line ends,
still verifies. Every certificate here is made by `tenken inspect` and `tenken certificate` on the
simulated iPhone and carrier sites."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.report.html import claims
from tests.conftest import ESCAPES, MARKUP, assert_inert
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station
from tests.report.test_certificate import certify

CROSS = '<td class="mark blocked">'  # the cell of docomo's × on the IMEI
CIRCLE = '<td class="mark ok"><span class="glyph">○</span></td>'
BANNER = '<div class="channel ok"><div class="level">販売可 / SELLABLE ○ 全キャリア</div></div>'


@dataclass
class Certified:
    station: Station
    path: Path
    page: str  # the certificate as `tenken certificate` wrote it

    def edited(self, *edits: tuple[str, str]) -> int:
        """Write the certificate with each (old, new): the first `old` made `new`; the line of the first
        change in the page."""
        page = self.page
        for old, new in edits:
            assert old in page, old
            page = page.replace(old, new, 1)
        self.path.write_text(page, encoding="utf-8")
        first = min(self.page.index(old) for old, _new in edits)
        return self.page[:first].count("\n") + 1

    def caught(self, line: int, has: str, renders: str) -> str:
        """verify exits 1 with one line: where (the line in the file), what the certificate has there and
        what the store renders; that line."""
        result = self.station.run("verify", str(self.path))
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, (result.exit_code, result.stdout)
        assert f"{self.path}: line {line}: the certificate has '{has}" in result.stderr, result.stderr
        assert f"where the store renders '{renders}" in result.stderr, result.stderr
        return str(result.stderr)


@pytest.fixture
def certified(station: Station) -> Certified:
    """iphone13-docomo with × at docomo on its IMEI and ○ on IMEI2: retail PARTS ONLY."""
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.RESTRICTED)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    station.inspect()
    path = certify(station, IPHONE_13)
    page = path.read_text(encoding="utf-8")
    said = claims(page).values
    assert said["verdict.retail"] == "部品取りのみ / PARTS ONLY" and said["answer.0.mark"] == "×"
    assert page.count(CROSS) == 1
    assert station.run("verify", str(path)).exit_code == 0
    return Certified(station, path, page)


def test_a_banner_added(certified: Certified) -> None:
    """(a) 「販売可 / SELLABLE ○ 全キャリア」 across the top, every keyed value untouched."""
    line = certified.edited(("<body>\n", f"<body>\n{BANNER}\n"))
    certified.caught(line + 1, BANNER[:40], "<header>")


@pytest.mark.parametrize(
    ("hide", "has"),
    [
        pytest.param(
            (CROSS, CIRCLE + CROSS.replace(">", ' style="display:none">')), CIRCLE, id="style-attribute"
        ),
        pytest.param(
            ("</head>", "<style>td.mark.blocked{display:none}</style></head>"),
            "<style>td.mark.blocked{display:none}",
            id="style-element",
        ),
        pytest.param(
            ("\n</style>", "\ntd.mark.blocked { visibility: collapse; }\n</style>"),
            "td.mark.blocked { visibility: collapse; }",
            id="rule-added-to-the-style",
        ),
    ],
)
def test_a_cross_hidden(certified: Certified, hide: tuple[str, str], has: str) -> None:
    """(b) the × cell hidden by a style attribute, a <style> element or a rule added to the page's own
    style sheet, a ○ cell put beside it."""
    edits = [hide] if hide[0] == CROSS else [hide, (CROSS, CIRCLE + CROSS)]
    line = certified.edited(*edits)
    certified.caught(line if hide[0] != "\n</style>" else line + 1, has[:40], "")


@pytest.mark.parametrize(
    ("edit", "has", "renders"),
    [
        pytest.param(
            (
                CROSS + '<span data-k="answer.0.mark" class="glyph">×</span>',
                '<td class="mark ok"><template><span data-k="answer.0.mark" class="glyph">×</span></template>'
                '<span class="glyph">○</span>',
            ),
            '<td class="mark ok"><template>',
            CROSS,
            id="the-cross-kept-in-a-template",
        ),
        pytest.param(
            ('<span lang="ja">店頭</span>', '<span lang="ja">店頭 ○ 販売可</span>'),
            "店頭 ○ 販売可",
            "店頭</span>",
            id="a-channel-heading",
        ),
    ],
)
def test_a_cell_says_circle(certified: Certified, edit: tuple[str, str], has: str, renders: str) -> None:
    """(c) a cell's text made ○ while no keyed value changes: the × kept in an inert <template> (parsed
    as a value, never shown), or a channel's heading in the reasons table (the policy's words)."""
    line = certified.edited(edit)
    certified.caught(line, has, renders)


@pytest.mark.parametrize(
    ("edit", "has"),
    [
        pytest.param(("</body>", '<script>document.title="OK"</script></body>'), "<script>", id="script"),
        pytest.param(
            ("</head>", '<link rel="stylesheet" href="https://example.invalid/ok.css"></head>'),
            '<link rel="stylesheet"',
            id="stylesheet-link",
        ),
        pytest.param(
            ('<p class="model">', '<p class="model"><a href="https://example.invalid/">✓ verified</a>'),
            '<a href="https://example.invalid/">',
            id="anchor",
        ),
        pytest.param(
            ("default-src 'none'", "default-src *; script-src 'unsafe-inline'"), "*; script-src", id="csp"
        ),
    ],
)
def test_a_script_or_link_added(certified: Certified, edit: tuple[str, str], has: str) -> None:
    """(d) a script, a style sheet or a link added, or the page's Content-Security-Policy loosened."""
    line = certified.edited(edit)
    assert has in certified.caught(line, "", "")


def reindented(page: str, newline: str = "\n", indent: str = "  ") -> str:
    """The page as an editor's "format document" leaves it: every tag and every text on a line of its
    own, indented one step per open element (the style sheet's lines too)."""
    lines: list[str] = []
    depth = 0
    for token in re.findall(r"<[^>]*>|[^<]+", page):
        if not token.startswith("<"):
            lines.extend(indent * depth + text.strip() for text in token.splitlines() if text.strip())
            continue
        closing = token.startswith("</")
        depth -= closing
        lines.append(indent * depth + token)
        void = token.startswith("<!") or token.endswith("/>") or re.match(r"<(meta|br)\b", token)
        depth += not closing and not void
    assert depth == 0
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    "rewrite",
    [
        pytest.param(reindented, id="reindented"),
        pytest.param(lambda page: page.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda page: reindented(page, "\r\n", "\t"), id="reindented-with-tabs-and-crlf"),
    ],
)
def test_the_same_certificate_laid_out_again_still_verifies(
    certified: Certified, rewrite: Callable[[str], str]
) -> None:
    """(e) whitespace between tags and in text is not a difference."""
    laid_out = rewrite(certified.page)
    assert laid_out.count("\n") > certified.page.count("\n") or "\r\n" in laid_out
    certified.path.write_bytes(laid_out.encode("utf-8"))
    result = certified.station.run("verify", str(certified.path))
    assert result.exit_code == 0 and "matches inspection" in result.stdout, result.stderr


def test_whitespace_is_normalised_not_ignored(certified: Certified) -> None:
    """A space where the store renders none is a difference, in words that are no keyed value too."""
    line = certified.edited(("<h1>点検証明書 ", "<h1>点検 証明書 "))
    certified.caught(line, "<h1>点検 証明書", "<h1>点検証明書")


def test_the_difference_is_shown_not_acted_on(certified: Certified) -> None:
    """What the file says is outside data: terminal control and rich markup in it are shown, one line."""
    line = certified.edited(("<body>\n", f"<body>\n<p>{MARKUP} {ESCAPES}</p>\n"))
    said = certified.caught(line + 1, "<p>[red]R[/]", "<header>")
    assert_inert(said, "[red]R[/]")
    assert len(said) < 300 + len(str(certified.path))


def test_a_pdf_is_not_verified(certified: Certified) -> None:
    """(f) verify reads the HTML certificate only; a PDF of it is refused as no certificate (exit 65).
    `--pdf` needs Chromium, which the browser tests need too: without it this fails, never skips."""
    result = certified.station.run("certificate", IPHONE_13, "--out", str(certified.path.parent), "--pdf")
    assert result.exit_code == 0, result.stderr
    (pdf,) = certified.path.parent.glob("*.pdf")
    refused = certified.station.run("verify", str(pdf))
    assert refused.exit_code == 65 and f"{pdf} is not a tenken certificate" in refused.stderr
