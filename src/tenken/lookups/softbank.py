"""SoftBank and Y!mobile: ct99.my.softbank.jp/WBF/icv (ct11 on older deployments).

GET the form, copy its inputs (_PageID, _DataStoreID, _ControlID, _ActionID and whatever else it
holds), add the submit button ACT_TE001 and `imei`, POST. The mark is in
<font size="8" color="#666666">; SoftBank shows ▲ for △. The page names the IMEI, which must be the one asked.
"""

from __future__ import annotations

from tenken.facts import Carrier, Outcome, msg
from tenken.lookups.base import Answer, FormProvider, about_other_imei, not_an_answer
from tenken.lookups.marks import normalise_mark, strip_blank
from tenken.lookups.pages import Form, decode, excerpt, node_text, parse_html, visible_text

FORM_PATH = "/WBF/icv"
SUBMIT = "ACT_TE001"
MARK_COLOUR = "#666666"


def parse_result(body: bytes, content_type: str, imei: str) -> Answer:
    text = decode(body, content_type)
    tree = parse_html(text)
    fonts = [
        node
        for node in tree.css("font")
        if (node.attributes.get("size") or "").strip() == "8"
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
    form_path = FORM_PATH
    submit = SUBMIT

    def is_imei_form(self, form: Form) -> bool:
        return "imei" in form.names or "_PageID" in form.names or SUBMIT in form.submits

    def parse(self, body: bytes, content_type: str, imei: str) -> Answer:
        return parse_result(body, content_type, imei)
