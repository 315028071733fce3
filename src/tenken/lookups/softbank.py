"""SoftBank and Y!mobile: ct99.my.softbank.jp/WBF/icv (ct11 on older deployments).

GET the form, copy its inputs (_PageID, _DataStoreID, _ControlID, _ActionID and whatever else it
holds), add the submit button ACT_TE001 and `imei`, POST. The mark is in
<font size="8" color="#666666">; SoftBank shows ▲ for △. The page names the IMEI, which must be the one asked.
"""

from __future__ import annotations

from tenken.facts import Carrier, Outcome, msg
from tenken.lookups.base import Answer, Assisted, FormProvider, about_other_imei, not_an_answer
from tenken.lookups.marks import normalise_mark, strip_blank
from tenken.lookups.pages import decode, excerpt, node_text, parse_html, visible_text
from tenken.lookups.shape import PageShape

FORM_PATH = "/WBF/icv"
SUBMIT = "ACT_TE001"
MARK_SIZE, MARK_COLOUR = "8", "#666666"
TOKENS = ("_PageID", "_DataStoreID", "_ControlID", "_ActionID")
SHAPE = PageShape(
    path=FORM_PATH,
    identifies=("imei", "_PageID"),
    imei_fields=("imei",),
    tokens=TOKENS,
    submit=SUBMIT,
    answer=(f'font[size="{MARK_SIZE}"][color="{MARK_COLOUR}"]',),
)


def parse_result(body: bytes, content_type: str, imei: str) -> Answer:
    text = decode(body, content_type)
    tree = parse_html(text)
    fonts = [
        node
        for node in tree.css("font")
        if (node.attributes.get("size") or "").strip() == MARK_SIZE
        and (node.attributes.get("color") or "").strip().lower() == MARK_COLOUR
    ]
    if not fonts:
        return not_an_answer(visible_text(tree), what="result mark")
    if len(fonts) > 1:
        shown = [excerpt(node_text(node), 20) for node in fonts]
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.many_marks", count=len(fonts), marks=shown))
    raw = node_text(fonts[0])
    outcome = normalise_mark(raw)
    if outcome is None:
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.odd_mark", text=excerpt(raw)))
    return about_other_imei(visible_text(tree), imei) or Answer(outcome, raw_mark=strip_blank(raw))


class SoftBank(FormProvider):
    carrier = Carrier.SOFTBANK
    shape = SHAPE
    assisted = Assisted(SHAPE.path, "input[name=imei]", "input[name=ACT_TE001]")
    submit = SUBMIT

    def parse(self, body: bytes, content_type: str, imei: str) -> Answer:
        return parse_result(body, content_type, imei)
