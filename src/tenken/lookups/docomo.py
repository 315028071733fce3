"""docomo (and ahamo): nw-restriction.nttdocomo.co.jp.

GET top.php (session cookie PHPSESSID, the form), POST search.php with `productno`; the answer is
Shift_JIS and the mark is the text of the second `div.result-panel`; the page names the IMEI (the first
panel), and it must be the one asked.
"""

from __future__ import annotations

from tenken.facts import Carrier, Outcome, msg
from tenken.lookups.base import Answer, Assisted, FormProvider, about_other_imei, not_an_answer
from tenken.lookups.marks import normalise_mark, strip_blank
from tenken.lookups.pages import decode, excerpt, node_text, parse_html, visible_text
from tenken.lookups.shape import PageShape

TOP_PATH = "/top.php"
SEARCH_PATH = "/search.php"
ENCODING = "cp932"
RESULT_PANEL = "div.result-panel"  # the second holds the mark
SHAPE = PageShape(
    path=TOP_PATH,
    action=SEARCH_PATH,
    identifies=("productno",),
    imei_fields=("productno",),
    cookie="PHPSESSID",
    answer=(RESULT_PANEL,),
)

# The legend the site prints next to each mark; a panel may carry the mark followed by its legend.
LEGENDS = {
    Outcome.OK: "ネットワーク利用制限の対象外です。",
    Outcome.PENDING: "利用できますが、代金債務の不履行等により利用制限となる可能性があります。",
    Outcome.RESTRICTED: "利用制限中です。",
    Outcome.NOT_FOUND: "IMEI（製造番号）が確認できません。",
}


def parse_result(body: bytes, content_type: str, imei: str) -> Answer:
    """The mark in a search.php answer about `imei`, or why there is none."""
    text = decode(body, content_type, default=ENCODING)
    tree = parse_html(text)
    panels = tree.css(RESULT_PANEL)
    if len(panels) < 2:
        return not_an_answer(visible_text(tree), what="result panel")
    raw = node_text(panels[1])
    outcome = normalise_mark(raw)
    if outcome is None:
        outcome = _mark_with_legend(raw)
    if outcome is None:
        return Answer(Outcome.PARSE_ERROR, raw_mark=None, detail=msg("site.odd_mark", text=excerpt(raw)))
    other = about_other_imei(visible_text(tree), imei)
    if other is not None:
        return other
    return Answer(outcome, raw_mark=strip_blank(raw)[:1], detail=msg("site.legend", text=LEGENDS[outcome]))


def _mark_with_legend(raw: str) -> Outcome | None:
    """Accept 'mark + its own legend'; a legend that belongs to another mark is a parse error."""
    compact = strip_blank(raw)
    if not compact:
        return None
    outcome = normalise_mark(compact[0])
    if outcome is None or compact[1:] != strip_blank(LEGENDS[outcome]):
        return None
    return outcome


class Docomo(FormProvider):
    carrier = Carrier.DOCOMO
    shape = SHAPE
    assisted = Assisted(SHAPE.path, "input[name=productno]", "form input[type=submit]")
    default_charset = ENCODING

    def parse(self, body: bytes, content_type: str, imei: str) -> Answer:
        return parse_result(body, content_type, imei)
