"""What tenken reads on a carrier's checker page, declared once per provider (`Provider.shape`).

The look-up finds the IMEI form with it, and `tenken doctor --carriers` loads each live page and checks it
against the same declaration without sending an IMEI (`read_page`): the form and where it posts, the IMEI
field, the tokens the form carries, the session cookie. Where the answer page holds the mark (`answer`) is
seen only after an IMEI is sent: it is declared here, read by the parser, and never checked by the doctor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from tenken.facts import Message, msg
from tenken.lookups.pages import Form, PageKind, charset_of, classify, forms, parse_html, visible_text


@dataclass(frozen=True, slots=True)
class PageShape:
    """One carrier's checker page as tenken reads it."""

    path: str  # the page a person opens first, under the origin (the form; Rakuten: its app)
    action: str = ""  # the IMEI form posts to an address whose path ends with this
    identifies: tuple[str, ...] = ()  # a field any of which marks the IMEI form
    imei_fields: tuple[str, ...] = ()  # the IMEI goes in the first of these the form has
    tokens: tuple[str, ...] = ()  # hidden inputs the form must carry (copied as the page gives them)
    submit: str | None = None  # the named button a person clicks
    cookie: str | None = None  # the session cookie the page sets
    answer: tuple[str, ...] = ()  # where the answer page holds the answer (the parser's selectors)
    form: bool = True  # False: a JavaScript app tenken does not read (it asks `api` instead)
    api: str = ""  # the address tenken asks instead of the page, when there is no form

    def is_form(self, form: Form) -> bool:
        """True for the form that takes the IMEI."""
        posts_to = form.action.split("?")[0]
        return (
            bool(self.action and posts_to.endswith(self.action))
            or bool(set(self.identifies) & form.names)
            or (self.submit is not None and self.submit in form.submits)
        )

    def imei_field(self, form: Form) -> str:
        """The field the IMEI goes in: the first declared one the form has (else the first declared)."""
        return next((name for name in self.imei_fields if name in form.names), self.imei_fields[0])

    def lacks(self, form: Form, cookies: Iterable[str]) -> list[str]:
        """What of the declared form this one does not have: the IMEI field, tokens, button, cookie."""
        missing = []
        if self.imei_fields and not set(self.imei_fields) & form.names:
            missing.append(" / ".join(self.imei_fields))
        missing += [token for token in self.tokens if token not in form.names]
        if self.submit is not None and self.submit not in form.submits:
            missing.append(self.submit)
        if self.cookie is not None and self.cookie not in set(cookies):
            missing.append(f"cookie {self.cookie}")
        return missing


class PageState(StrEnum):
    """What a checker page, loaded without an IMEI, says about the day's look-ups (stable codes)."""

    READY = "ready"  # the shape tenken reads: look-ups will be automatic
    EXPERIMENTAL = "experimental"  # Rakuten: the page answers; the endpoint tenken asks needs an IMEI
    CAPTCHA = "captcha"  # an image code: hand-offs
    REFUSED = "refused"  # 401/403, a bot check: hand-offs
    JAVASCRIPT = "javascript"  # the page needs a browser to run it: hand-offs
    CHANGED = "changed"  # not the shape tenken reads: no mark will be read until tenken is updated
    REDIRECTED = "redirected"  # sent elsewhere than its origin: not followed
    MAINTENANCE = "maintenance"  # a maintenance page: look-ups unavailable until it ends
    UNREACHABLE = "unreachable"  # no answer, or 5xx/429: look-ups unavailable
    OFF = "off"  # switched off in the configuration: not contacted

    @property
    def hands_off(self) -> bool:
        """A site that will not answer programs: a person checks there (the assisted browser or by hand)."""
        return self in (PageState.CAPTCHA, PageState.REFUSED, PageState.JAVASCRIPT)

    @property
    def unreadable(self) -> bool:
        """tenken cannot read the site as it is: its look-ups will be parse errors until it is updated."""
        return self in (PageState.CHANGED, PageState.REDIRECTED)

    @property
    def down(self) -> bool:
        return self in (PageState.MAINTENANCE, PageState.UNREACHABLE)


@dataclass(frozen=True, slots=True)
class PageReading:
    state: PageState
    found: Message  # what the page is or lacks
    missing: tuple[str, ...] = ()  # of the declared shape


def read_page(
    shape: PageShape,
    status: int,
    body: bytes,
    content_type: str,
    url: str,
    *,
    cookies: Iterable[str] = (),
    cut: bool = False,
    default_charset: str = "utf-8",
    formless: PageState = PageState.CHANGED,
) -> PageReading:
    """What a checker page loaded without an IMEI says, against the shape tenken reads. `formless` is what
    a page without the IMEI form (and no other sign) means for this carrier."""
    if status in (401, 403):
        return PageReading(PageState.REFUSED, msg("doctor.site.refused", status=status))
    if status >= 500 or status == 429:
        return PageReading(PageState.UNREACHABLE, msg("doctor.site.http_status", status=status))
    if not 200 <= status < 300:
        return PageReading(PageState.CHANGED, msg("doctor.site.not_there", status=status))
    if cut:
        return PageReading(PageState.CHANGED, msg("doctor.site.too_large"))
    text = body.decode(charset_of(content_type, body, default_charset), errors="replace")
    tree = parse_html(text)
    kind = classify(text)
    if kind is PageKind.CAPTCHA:
        return PageReading(PageState.CAPTCHA, msg("doctor.site.captcha"))
    if kind is PageKind.MAINTENANCE:
        return PageReading(PageState.MAINTENANCE, msg("doctor.site.maintenance"))
    if not shape.form:
        return PageReading(PageState.EXPERIMENTAL, msg("doctor.site.app", api=shape.api))
    form = next((found for found in forms(tree, url) if shape.is_form(found)), None)
    if form is None:
        if kind is PageKind.JAVASCRIPT or formless is PageState.JAVASCRIPT:
            return PageReading(PageState.JAVASCRIPT, msg("doctor.site.no_form_script"))
        words = " ".join(visible_text(tree).split())
        return PageReading(PageState.CHANGED, msg("doctor.site.no_form", chars=len(words)))
    missing = shape.lacks(form, cookies)
    if missing:
        return PageReading(PageState.CHANGED, msg("doctor.site.lacks", missing=missing), tuple(missing))
    hidden = sorted(form.names - set(shape.imei_fields))
    return PageReading(
        PageState.READY,
        msg(
            "doctor.site.form", action=urlsplit(form.action).path, field=shape.imei_field(form), hidden=hidden
        ),
    )
