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
from tests.conftest import ESCAPES, assert_inert
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
        where = re.search(
            rf"{re.escape(str(self.path))}: line (\d+), column \d+: the certificate has '", result.stderr
        )
        assert where is not None and int(where.group(1)) == line, result.stderr
        assert f": the certificate has '{has}" in result.stderr, result.stderr
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
    said = certified.caught(line + 1, BANNER[:40], "<header>")
    assert f": line {line + 1}, column 1: " in said


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
            "} td.mark.blocked { visibility: collapse; }",
            id="rule-added-to-the-style",
        ),
    ],
)
def test_a_cross_hidden(certified: Certified, hide: tuple[str, str], has: str) -> None:
    """(b) the × cell hidden by a style attribute, a <style> element or a rule added to the page's own
    style sheet, a ○ cell put beside it."""
    edits = [hide] if hide[0] == CROSS else [hide, (CROSS, CIRCLE + CROSS)]
    line = certified.edited(*edits)
    certified.caught(line, has[:40], "")


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


def test_words_hidden_or_the_page_cut_short(certified: Certified) -> None:
    """Words that are no value hidden (the line that says how to verify the certificate), or the end of
    the page cut off."""
    line = certified.edited(('<p class="small"><span lang="ja">', '<p class="small" hidden><span lang="ja">'))
    certified.caught(line, '<p class="small" hidden>', '<p class="small"><span')
    tail = certified.page[certified.page.index("</section>\n</body>") + len("</section>") :]
    cut = certified.page.index(tail)
    line = certified.edited((tail, ""))
    result = certified.station.run("verify", str(certified.path))
    column = cut - certified.page.rfind("\n", 0, cut)
    said = f": line {line}, column {column}: the certificate has nothing where the store renders '</body></html>'"
    assert result.exit_code == 1 and said in result.stderr, result.stderr


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
    certified.caught(line, "点検 証明書<span", "点検証明書<span")


def test_the_difference_is_shown_not_acted_on(certified: Certified) -> None:
    """What the file says is outside data: terminal control and rich markup in it are shown, one line."""
    line = certified.edited(("<body>\n", f"<body>\n<p>[red]R[/] {ESCAPES}</p>\n"))
    said = certified.caught(line + 1, "<p>[red]R[/]", "<header>")
    assert_inert(said, "[red]R[/]")
    assert len(said) < 300 + len(str(certified.path))


def test_an_invisible_character_is_shown(certified: Certified) -> None:
    """A character that does not print (a zero-width space in a heading, a byte-order mark before the
    page) is a difference like any other, and the line shows it as an escape."""
    line = certified.edited(("<h1>点検証明書", "<h1>点検\u200b証明書"))
    certified.caught(line, "点検\\x200b証明書<span", "点検証明書<span")
    certified.path.write_bytes(b"\xef\xbb\xbf" + certified.page.encode("utf-8"))
    result = certified.station.run("verify", str(certified.path))
    assert result.exit_code == 1, result.stdout
    assert ": line 1, column 1: the certificate has '\\xfeff<!DOCTYPE html>" in result.stderr


def test_a_pdf_is_not_verified(certified: Certified) -> None:
    """(f) verify reads the HTML certificate only; a PDF of it is refused as no certificate (exit 65).
    `--pdf` needs Chromium, which the browser tests need too: without it this fails, never skips."""
    result = certified.station.run("certificate", IPHONE_13, "--out", str(certified.path.parent), "--pdf")
    assert result.exit_code == 0, result.stderr
    (pdf,) = certified.path.parent.glob("*.pdf")
    refused = certified.station.run("verify", str(pdf))
    assert refused.exit_code == 65 and f"{pdf} is not a tenken certificate" in refused.stderr


def test_rendered_again_from_the_store_byte_for_byte(certified: Certified) -> None:
    """Same store rows → the same bytes: the certificate rendered again from its row and the stored
    inspection is the file `tenken certificate` wrote, to the byte (no clock, no random id, no setting)."""
    from tenken import config
    from tenken.commands.certificate import _reissued
    from tenken.report.html import certificate
    from tenken.station.certificates import checked as _checked
    from tenken.store import open_store
    from tenken.store.records import issued_certificate

    said = claims(certified.page).meta
    with open_store(config.load(environ=certified.station.env)) as store:
        checked = _checked(store, said["tenken:inspection"])
        issued = issued_certificate(store, said["tenken:certificate"])
    options = _reissued(certified.path, issued, said["tenken:inspection"], checked.record)
    again = certificate(checked.inspection, checked.record, options)
    assert again == certified.page == certificate(checked.inspection, checked.record, options)
    assert certified.path.read_bytes() == again.encode("utf-8")


def shop_policy(station: Station, title: str) -> Path:
    """The shipped policy with the retail channel's Japanese title changed: a shop's own words."""
    from tenken.verdict.policy import default_policy_path

    shipped = default_policy_path().read_text(encoding="utf-8")
    assert 'ja = "店頭（買取・販売）"' in shipped
    path = station.tmp / f"policy-{len(title)}.toml"
    path.write_text(shipped.replace('ja = "店頭（買取・販売）"', f'ja = "{title}"', 1), encoding="utf-8")
    return path


def test_the_store_keeps_what_the_certificate_shows(station: Station) -> None:
    """Issued under a shop's policy (its channel titles on the page), verified by another station with
    the shipped policy, another language and another name: the certificate's row says what it showed."""
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.OK)
    station.inspect()
    station.env["TENKEN_POLICY"] = str(shop_policy(station, "中古スマホ館 店頭"))
    path = certify(station, IPHONE_13, "--full-imei")
    page = path.read_text(encoding="utf-8")
    assert "中古スマホ館 店頭" in page and IMEI_1 in page
    with station.database() as database:
        row = database.execute(
            "SELECT record_id, lang, full_imei, tenken_version, channels_json, issued_at FROM certificates"
        ).fetchone()
    meta = claims(page).meta
    assert row[0] == meta["tenken:certificate"] and row[1:3] == ("ja", 1)
    assert f'content="tenken {row[3]}"' in page and '"ja": "中古スマホ館 店頭"' in row[4]
    assert meta["tenken:issued"].startswith(row[5].replace(" ", "T")[:19])

    elsewhere = {
        **station.env,
        "TENKEN_POLICY": "",
        "TENKEN_STATION_ID": "shop-b-2",
        "TENKEN_LANG": "en",
    }
    from tests.conftest import run_cli

    result = run_cli(["verify", str(path)], elsewhere)
    assert result.exit_code == 0 and "matches inspection" in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("certificate_id", "said"),
    [
        pytest.param(None, "the store has issued no such certificate of inspection", id="id-removed"),
        pytest.param("0" * 32, "the store has issued no such certificate of inspection", id="id-changed"),
    ],
)
def test_a_certificate_the_store_did_not_issue(
    certified: Certified, certificate_id: str | None, said: str
) -> None:
    meta = re.search(r'<meta name="tenken:certificate" content="([0-9a-f]{32})">\n', certified.page)
    assert meta is not None
    if certificate_id is None:
        certified.edited((meta.group(), ""))
    else:
        certified.edited((meta.group(1), certificate_id))
    result = certified.station.run("verify", str(certified.path))
    assert result.exit_code == 1 and said in result.stderr and result.stderr.count("\n") == 1
    assert f"write it again (tenken certificate {claims(certified.page).meta['tenken:inspection']})" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("update", "said"),
    [
        pytest.param(
            "UPDATE certificates SET lang = NULL, full_imei = NULL, tenken_version = NULL, channels_json = NULL, "
            "signed_by = NULL, signature = NULL",
            "was issued before tenken kept what it needs to render a certificate again; write it again",
            id="row-from-before-0007",
        ),
        pytest.param(
            "UPDATE certificates SET signed_by = NULL, signature = NULL",
            "is unsigned in the store: this station cannot vouch for it; write it again",
            id="row-unsigned",
        ),
        pytest.param(
            f"UPDATE certificates SET record_sha256 = '{'0' * 64}'",
            "the store's row of certificate",
            id="issued-over-another-record-edited-in",
        ),
    ],
)
def test_a_certificate_the_store_cannot_render_again(certified: Certified, update: str, said: str) -> None:
    with certified.station.database() as database:
        assert database.execute(update).rowcount == 1
    result = certified.station.run("verify", str(certified.path))
    edited = "signature" not in update  # changed without the key: altered, exit 5
    assert result.exit_code == (5 if edited else 1) and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
