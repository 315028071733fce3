"""au, UQ mobile and povo (KDDI): my.au.com.

GET WCE009001.hc, copy every input of the form posting to WCE009002.hc, set `imei` (`IMEI` on older
versions), POST. The answer is the `li.list_item` whose `.list_heading` holds 「状態」; the mark is the
first character of its `.list_details`. The real submit is JavaScript-driven: an answer that is not a
result page means a browser is needed.
"""

from __future__ import annotations

from tenken.facts import Carrier, LookupResult, Outcome
from tenken.lookups.base import Answer, Provider, captcha_on, not_an_answer
from tenken.lookups.client import SiteSession
from tenken.lookups.marks import normalise_mark, strip_blank
from tenken.lookups.pages import Form, charset_of, decode, excerpt, forms, node_text, parse_html, visible_text

FORM_PATH = "/cmn/WCV009001/WCE009001.hc"
ACTION_MARKER = "WCE009002.hc"
STATUS_HEADING = "状態"


def parse_result(body: bytes, content_type: str = "") -> Answer:
    text = decode(body, content_type)
    tree = parse_html(text)
    items = tree.css("li.list_item")
    if not items:
        if any(ACTION_MARKER in form.action for form in forms(tree, "http://x/")):
            return Answer(
                Outcome.NEEDS_BROWSER,
                detail="the site answered with its form again: the check needs a browser (JavaScript submit)",
            )
        return not_an_answer(visible_text(tree), otherwise=Outcome.NEEDS_BROWSER, what="result list")
    status_items = [
        item
        for item in items
        if (heading := item.css_first(".list_heading")) is not None and STATUS_HEADING in node_text(heading)
    ]
    if len(status_items) != 1:
        return Answer(
            Outcome.PARSE_ERROR,
            detail=f"expected one 「{STATUS_HEADING}」 row, found {len(status_items)}: "
            f"{excerpt(visible_text(tree))}",
        )
    details = status_items[0].css_first(".list_details")
    raw = node_text(details) if details is not None else ""
    compact = strip_blank(raw)
    outcome = normalise_mark(compact[:1]) if compact else None
    if outcome is None:
        return Answer(
            Outcome.PARSE_ERROR, detail=f"unrecognised 「{STATUS_HEADING}」 value: {excerpt(raw)!r}"
        )
    return Answer(outcome, raw_mark=compact[0], detail=excerpt(raw))


def imei_form(body: bytes, content_type: str, page_url: str) -> Form | None:
    tree = parse_html(decode(body, content_type))
    return next((form for form in forms(tree, page_url) if ACTION_MARKER in form.action), None)


class Au(Provider):
    carrier = Carrier.AU
    manual_url = "https://my.au.com/cmn/WCV009001/WCE009001.hc"

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        page = await session.get(self.origin + FORM_PATH)
        form = imei_form(page.response.content, page.evidence.content_type, page.evidence.url)
        if form is None:
            text = decode(page.response.content, page.evidence.content_type)
            answer = not_an_answer(text, otherwise=Outcome.NEEDS_BROWSER, what="IMEI form")
            return self.result(imei, answer, page.evidence)
        captcha = captcha_on(decode(page.response.content, page.evidence.content_type))
        if captcha is not None:
            return self.result(imei, captcha, page.evidence)
        field_name = "IMEI" if "IMEI" in form.names and "imei" not in form.names else "imei"
        form.set(field_name, imei)
        charset = charset_of(page.evidence.content_type, page.response.content, "utf-8")
        found = await session.post(
            form.action,
            content=form.encoded(charset),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.evidence.url},
        )
        return self.result(
            imei, parse_result(found.response.content, found.evidence.content_type), found.evidence
        )
