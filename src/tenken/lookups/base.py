"""What every carrier provider shares: the flow wrapper and the shape of a parsed answer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from tenken.facts import Carrier, Evidence, LookupResult, Message, Outcome, msg
from tenken.lookups.client import PoliteClient, SiteSession, SiteUnavailable
from tenken.lookups.pages import Form, PageKind, charset_of, classify, excerpt, forms, parse_html


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


class Provider(ABC):
    """One carrier's checker. Subclasses implement `flow`; the origin is configurable, paths are not."""

    carrier: ClassVar[Carrier]
    manual_url: ClassVar[str]  # the page a person opens to check by hand

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")

    async def check(self, client: PoliteClient, imei: str) -> LookupResult:
        """Ask the carrier about one (already validated) IMEI. Never raises for site trouble."""
        async with client.site(self.carrier.value) as session:
            try:
                return await self.flow(session, imei)
            except SiteUnavailable as error:
                return self.result(imei, Answer(Outcome.UNAVAILABLE, detail=error.reason), error.evidence)

    @abstractmethod
    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        """Fetch and parse; site trouble surfaces as SiteUnavailable from the session."""

    def result(self, imei: str, answer: Answer, evidence: Evidence | None) -> LookupResult:
        detail = answer.detail
        if answer.outcome in (Outcome.CAPTCHA_REQUIRED, Outcome.NEEDS_BROWSER):
            detail = msg("site.check_by_hand", reason=detail, url=self.manual_url)
        return LookupResult(
            imei=imei,
            carrier=self.carrier,
            outcome=answer.outcome,
            raw_mark=answer.raw_mark,
            detail=detail,
            evidence=evidence,
        )


class FormProvider(Provider):
    """A checker that is an HTML form: GET it, copy every input as a browser would, set the IMEI,
    POST in the page's own charset, and parse the answer."""

    form_path: ClassVar[str]
    default_charset: ClassVar[str] = "utf-8"
    submit: ClassVar[str | None] = None  # the named button a person would click, if the form has one
    missing_form: ClassVar[Outcome] = Outcome.PARSE_ERROR  # what a page without the form means

    @abstractmethod
    def is_imei_form(self, form: Form) -> bool:
        """True for the form that takes the IMEI."""

    def imei_field(self, form: Form) -> str:
        return "imei"

    @abstractmethod
    def parse(self, body: bytes, content_type: str) -> Answer:
        """The mark in the answer page, or why there is none."""

    async def flow(self, session: SiteSession, imei: str) -> LookupResult:
        page = await session.get(self.origin + self.form_path)
        charset = charset_of(page.content_type, page.response.content, self.default_charset)
        text = page.response.content.decode(charset, errors="replace")
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
        answer = self.parse(found.response.content, found.content_type)
        return self.result(imei, answer, found.evidence)
