"""What every carrier provider shares: the flow wrapper and the shape of a parsed answer.

An answer counts only when it is the carrier's (its own origin: the client follows nothing elsewhere),
sent with the site's success status, about the IMEI asked (the page names it, where the site prints it),
and reads as exactly one mark where the site prints it. Anything else is an error kind, never a mark.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from tenken.catalog import checker_page
from tenken.facts import Carrier, Evidence, LookupResult, Message, Outcome, msg
from tenken.lookups.client import OffOrigin, PoliteClient, SiteSession, SiteUnavailable
from tenken.lookups.pages import Form, PageKind, charset_of, classify, excerpt, forms, parse_html
from tenken.lookups.shape import PageShape

# A run of digits as long as an IMEI (15) or an IMEISV (16): every such number a result page prints
# must be the IMEI asked. Shorter numbers (dates, phone numbers, counts) are not IMEIs.
_IMEI_LIKE = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


@dataclass(frozen=True, slots=True)
class Answer:
    """What a result page says, before it becomes a LookupResult."""

    outcome: Outcome
    raw_mark: str | None = None
    detail: Message | None = None


def not_an_answer(text: str, *, otherwise: Outcome = Outcome.PARSE_ERROR, what: str = "result") -> Answer:
    """An Answer for a page without the expected result: say which kind of page it was."""
    kind = classify(text)
    if kind is PageKind.CAPTCHA:
        return Answer(Outcome.CAPTCHA_REQUIRED, detail=msg("site.captcha"))
    if kind is PageKind.MAINTENANCE:
        return Answer(Outcome.UNAVAILABLE, detail=msg("site.maintenance", page=excerpt(text)))
    if kind is PageKind.JAVASCRIPT:
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("site.javascript"))
    if otherwise is Outcome.NEEDS_BROWSER:
        return Answer(otherwise, detail=msg("site.no_answer_browser", what=what, page=excerpt(text)))
    return Answer(otherwise, detail=msg("site.page_changed", what=what, page=excerpt(text)))


def about_other_imei(text: str, imei: str) -> Answer | None:
    """None when the page's text names the IMEI asked and no other; else why the page is not an answer
    about it (a page about another IMEI, or one that does not say which, is no answer about this one)."""
    flat = unicodedata.normalize("NFKC", text)  # full-width digits are common in Japanese pages
    named = set(_IMEI_LIKE.findall(re.sub(r"(?<=\d)[ \-](?=\d)", "", flat)))
    others = sorted(named - {imei})
    if others:
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.other_imei", asked=imei, named=others[:3]))
    if imei not in named:
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.imei_not_named", asked=imei))
    return None


def status_answer(status: int) -> Answer:
    """What a page sent without the site's success status (2xx) says: never a mark. A 403 is a site that
    refuses programs (a bot check): a person with a browser may pass."""
    if status in (401, 403):
        return Answer(Outcome.NEEDS_BROWSER, detail=msg("site.refused", status=status))
    if status >= 500:
        return Answer(Outcome.UNAVAILABLE, detail=msg("site.http_status", status=status))
    return Answer(Outcome.PARSE_ERROR, detail=msg("site.not_success", status=status))


def refusal(status: int, cut: bool, limit: int) -> Answer | None:
    """Why a response cannot hold an answer whatever its page says (cut, or not a success), else None."""
    if cut:
        return Answer(Outcome.PARSE_ERROR, detail=msg("site.too_large", limit=limit))
    if not 200 <= status < 300:
        return status_answer(status)
    return None


@dataclass(frozen=True, slots=True)
class Assisted:
    """The carrier's page as a person uses it in a browser (the assisted check, station/handoff.py): where
    it is, where the IMEI is typed and what a person clicks (CSS selectors); `reply`: the address of the
    answer when the page's script fetches it on its own (Rakuten's JSON), with `{imei}`; else the answer is
    the page the form leads to."""

    path: str
    field: str
    submit: str
    reply: str | None = None
    result: str | None = None  # where the page's script shows the reply (the screenshot waits for it)


class Provider(ABC):
    """One carrier's checker. Subclasses implement `flow`; the origin is configurable, paths are not.
    `shape` declares the page tenken reads there (lookups/shape.py): the look-up and `tenken doctor
    --carriers` share it."""

    carrier: ClassVar[Carrier]
    shape: ClassVar[PageShape]
    assisted: ClassVar[Assisted]

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")

    async def check(self, client: PoliteClient, imei: str) -> LookupResult:
        """Ask the carrier about one (already validated) IMEI. Never raises for site trouble."""
        async with client.site(self.carrier.value, self.origin) as session:
            try:
                return await self.flow(session, imei)
            except SiteUnavailable as error:
                return self.result(imei, Answer(Outcome.UNAVAILABLE, detail=error.reason), error.evidence)
            except OffOrigin as error:
                detail = msg("site.off_origin", target=excerpt(error.target, 120), origin=self.origin)
                return self.result(imei, Answer(Outcome.PARSE_ERROR, detail=detail), error.evidence)

    def reread(self, imei: str, evidence: Evidence) -> Answer:
        """What a kept answer says when read again, as the look-up read it (the stored row must agree)."""
        return refusal(evidence.http_status, evidence.cut, len(evidence.body)) or self.read(
            evidence.http_status, evidence.body, evidence.content_type, imei
        )

    @abstractmethod
    def read(self, status: int, body: bytes, content_type: str, imei: str) -> Answer:
        """The answer in a success response's body, about `imei`."""

    @abstractmethod
    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        """Fetch and parse; site trouble surfaces as SiteUnavailable from the session."""

    def result(self, imei: str, answer: Answer, evidence: Evidence | None) -> LookupResult:
        detail = answer.detail
        if answer.outcome in (Outcome.CAPTCHA_REQUIRED, Outcome.NEEDS_BROWSER):
            detail = msg("site.check_by_hand", reason=detail, url=checker_page(self.carrier))
        return LookupResult(
            imei=imei,
            carrier=self.carrier,
            outcome=answer.outcome,
            raw_mark=answer.raw_mark,
            detail=detail,
            evidence=evidence,
            origin=self.origin,
        )


class FormProvider(Provider):
    """A checker that is an HTML form: GET it, copy every input as a browser would, set the IMEI,
    POST in the page's own charset, and parse the answer. The form is the one `shape` declares."""

    default_charset: ClassVar[str] = "utf-8"
    submit: ClassVar[str | None] = None  # the named button a person would click, if the form has one
    missing_form: ClassVar[Outcome] = Outcome.PARSE_ERROR  # what a page without the form means

    def is_imei_form(self, form: Form) -> bool:
        """True for the form that takes the IMEI."""
        return self.shape.is_form(form)

    def imei_field(self, form: Form) -> str:
        return self.shape.imei_field(form)

    @abstractmethod
    def parse(self, body: bytes, content_type: str, imei: str) -> Answer:
        """The mark in the answer page about `imei`, or why there is none."""

    def read(self, status: int, body: bytes, content_type: str, imei: str) -> Answer:
        return self.parse(body, content_type, imei)

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        page = await session.get(self.origin + self.shape.path)
        limit = session.max_page_bytes
        if (refused := refusal(page.status, page.cut, limit)) is not None:
            return self.result(imei, refused, page.evidence)
        charset = charset_of(page.content_type, page.body, self.default_charset)
        text = page.body.decode(charset, errors="replace")
        form = next((f for f in forms(parse_html(text), page.url) if self.is_imei_form(f)), None)
        if form is None:
            answer = not_an_answer(text, otherwise=self.missing_form, what="IMEI form")
            return self.result(imei, answer, page.evidence)
        if classify(text) is PageKind.CAPTCHA:  # posting without solving it proves nothing
            answer = Answer(Outcome.CAPTCHA_REQUIRED, detail=msg("site.captcha_form"))
            return self.result(imei, answer, page.evidence)
        form.set(self.imei_field(form), imei)
        found = await session.post(
            form.action,
            content=form.encoded(charset, submit=self.submit),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
        )
        answer = refusal(found.status, found.cut, limit) or self.parse(found.body, found.content_type, imei)
        return self.result(imei, answer, found.evidence)
