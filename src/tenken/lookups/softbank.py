"""SoftBank and Y!mobile: ct99.my.softbank.jp/WBF/icv (ct11 on older deployments).

GET the form, copy its inputs (_PageID, _DataStoreID, _ControlID, _ActionID and whatever else it
holds), add the submit button ACT_TE001 and `imei`, POST. The mark is in
<font size="8" color="#666666">; SoftBank shows ▲ for △.
"""

from __future__ import annotations

from tenken.facts import Carrier, LookupResult, Outcome
from tenken.lookups.base import Answer, Provider, captcha_on, not_an_answer
from tenken.lookups.client import SiteSession
from tenken.lookups.marks import normalise_mark, strip_blank
from tenken.lookups.pages import Form, charset_of, decode, excerpt, forms, node_text, parse_html, visible_text

FORM_PATH = "/WBF/icv"
SUBMIT = "ACT_TE001"
MARK_COLOUR = "#666666"


def parse_result(body: bytes, content_type: str = "") -> Answer:
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
        shown = ", ".join(repr(excerpt(node_text(node), 20)) for node in fonts)
        return Answer(Outcome.PARSE_ERROR, detail=f"{len(fonts)} result marks on one page: {shown}")
    raw = node_text(fonts[0])
    outcome = normalise_mark(raw)
    if outcome is None:
        return Answer(Outcome.PARSE_ERROR, detail=f"unrecognised mark: {excerpt(raw)!r}")
    return Answer(outcome, raw_mark=strip_blank(raw))


def imei_form(body: bytes, content_type: str, page_url: str) -> Form | None:
    tree = parse_html(decode(body, content_type))
    candidates = forms(tree, page_url)
    return next(
        (
            form
            for form in candidates
            if "imei" in form.names or "_PageID" in form.names or SUBMIT in form.submits
        ),
        None,
    )


class SoftBank(Provider):
    carrier = Carrier.SOFTBANK
    manual_url = "https://ct99.my.softbank.jp/WBF/icv"

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        page = await session.get(self.origin + FORM_PATH)
        form = imei_form(page.response.content, page.evidence.content_type, page.evidence.url)
        if form is None:
            answer = not_an_answer(
                decode(page.response.content, page.evidence.content_type), what="IMEI form"
            )
            return self.result(imei, answer, page.evidence)
        captcha = captcha_on(decode(page.response.content, page.evidence.content_type))
        if captcha is not None:
            return self.result(imei, captcha, page.evidence)
        form.set("imei", imei)
        charset = charset_of(page.evidence.content_type, page.response.content, "utf-8")
        found = await session.post(
            form.action,
            content=form.encoded(charset, submit=SUBMIT),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.evidence.url},
        )
        return self.result(
            imei, parse_result(found.response.content, found.evidence.content_type), found.evidence
        )
