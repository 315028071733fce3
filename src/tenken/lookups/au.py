"""au, UQ mobile and povo (KDDI): my.au.com.

GET WCE009001.hc, copy every input of the form posting to WCE009002.hc, set `imei` (`IMEI` on older
versions), POST. The answer is the `li.list_item` whose `.list_heading` holds 「状態」; the mark is the
first character of its `.list_details`, and only where it stands alone there: followed by nothing, a
space, a line break or a bracket, and no second mark in the details (「○ではありません。×」 is no answer).
The page names the IMEI, which must be the one asked. The real submit is JavaScript-driven: an answer
that is not a result page means a browser is needed.
"""

from __future__ import annotations

from tenken.facts import Carrier, Outcome, msg
from tenken.lookups.base import Answer, Assisted, FormProvider, about_other_imei, not_an_answer
from tenken.lookups.marks import marks_in, normalise_mark
from tenken.lookups.pages import decode, excerpt, forms, node_text, parse_html, visible_text
from tenken.lookups.shape import PageShape

FORM_PATH = "/cmn/WCV009001/WCE009001.hc"
ACTION_MARKER = "WCE009002.hc"
STATUS_HEADING = "状態"
ITEM, HEADING, DETAILS = "li.list_item", ".list_heading", ".list_details"
# Its hidden inputs were never captured publicly: every input the form holds is copied, none is required.
SHAPE = PageShape(
    path=FORM_PATH,
    action=ACTION_MARKER,
    imei_fields=("imei", "IMEI"),  # `IMEI` on older versions
    answer=(ITEM, f"{HEADING} 「{STATUS_HEADING}」", DETAILS),
)
# What may follow the mark for it to stand alone: the end, a space or line break, or a bracket/colon
# opening its legend — not the rest of a word or sentence.
_AFTER_MARK = frozenset("(（[［【「:：")


def parse_result(body: bytes, content_type: str, imei: str) -> Answer:
    text = decode(body, content_type)
    tree = parse_html(text)
    items = tree.css(ITEM)
    if not items:
        if any(ACTION_MARKER in form.action for form in forms(tree, "http://x/")):
            return Answer(Outcome.NEEDS_BROWSER, detail=msg("site.form_again"))
        return not_an_answer(visible_text(tree), otherwise=Outcome.NEEDS_BROWSER, what="result list")
    status_items = [
        item
        for item in items
        if (heading := item.css_first(HEADING)) is not None and STATUS_HEADING in node_text(heading)
    ]
    if len(status_items) != 1:
        return Answer(
            Outcome.PARSE_ERROR,
            detail=msg(
                "site.rows", heading=STATUS_HEADING, found=len(status_items), page=excerpt(visible_text(tree))
            ),
        )
    details = status_items[0].css_first(DETAILS)
    raw = (details.text(deep=True, separator="\n", strip=False) or "") if details is not None else ""
    outcome, glyph = _lone_mark(raw)
    if outcome is None:
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.odd_mark", text=excerpt(raw)))
    other = about_other_imei(visible_text(tree), imei)
    if other is not None:
        return other
    return Answer(outcome, raw_mark=glyph, detail=msg("site.legend", text=excerpt(raw)))


def _lone_mark(raw: str) -> tuple[Outcome | None, str]:
    """The mark that opens the details, when it stands alone and is the only mark there."""
    text = raw.strip()
    if not text:
        return None, ""
    glyph, rest = text[0], text[1:]
    outcome = normalise_mark(glyph)
    if outcome is None:
        return None, ""
    if rest and not (rest[0].isspace() or rest[0] in _AFTER_MARK):
        return None, ""  # 「○ではありません」: a mark inside a sentence
    if marks_in(rest):
        return None, ""  # a second mark in the answer: which one the site meant is not for tenken to guess
    return outcome, glyph


class Au(FormProvider):
    carrier = Carrier.AU
    shape = SHAPE
    assisted = Assisted(SHAPE.path, "form[name=nextForm] input[name=imei]", "form[name=nextForm] a[onclick]")
    missing_form = Outcome.NEEDS_BROWSER  # the form is built by JavaScript on some versions

    def parse(self, body: bytes, content_type: str, imei: str) -> Answer:
        return parse_result(body, content_type, imei)
