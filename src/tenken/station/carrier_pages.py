"""`tenken doctor --carriers`: load each carrier's checker page once, send no IMEI, and say whether it
still has the shape tenken reads (the provider's own `shape`, lookups/shape.py) or stands in front of
programs (a CAPTCHA, a refusal, a page only a browser runs), and what that means for the day's look-ups.

The page is fetched by the look-ups' own client (lookups/client.py): the same User-Agent, one request at a
time per site, spaced with the fleet's other requests there when the database answers (`booked_turns`),
its origin only (a redirect elsewhere is refused, not followed), the same page cap. It is asked once: no
retry. What was fetched (URL, status, time, sha256 and size) is the evidence of the check.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tenken.config import Settings
from tenken.errors import EXIT_FLAGGED, EXIT_HOLD, EXIT_NOT_ASKED, EXIT_OK, StoreError
from tenken.facts import Carrier, Evidence, Message, Outcome, msg
from tenken.lookups.base import FormProvider
from tenken.lookups.client import OffOrigin, PoliteClient, SiteUnavailable, Turns
from tenken.lookups.pages import excerpt
from tenken.lookups.providers import provider_class
from tenken.lookups.shape import PageReading, PageState, read_page
from tenken.store import Store

log = logging.getLogger(__name__)

# What each state means for the day's look-ups, said to a person (and `PageCheck.means`).
_MEANS: dict[PageState, Message] = {
    PageState.READY: msg("doctor.day.ready"),
    PageState.EXPERIMENTAL: msg("doctor.day.experimental"),
    PageState.CAPTCHA: msg("doctor.day.captcha"),
    PageState.REFUSED: msg("doctor.day.refused"),
    PageState.JAVASCRIPT: msg("doctor.day.javascript"),
    PageState.CHANGED: msg("doctor.day.changed"),
    PageState.MAINTENANCE: msg("doctor.day.maintenance"),
    PageState.OFF: msg("doctor.day.off"),
}


# The state in a word or two (the JSON has its code).
_STATE: dict[PageState, Message] = {
    PageState.READY: msg("doctor.state.ready"),
    PageState.EXPERIMENTAL: msg("doctor.state.experimental"),
    PageState.CAPTCHA: msg("doctor.state.captcha"),
    PageState.REFUSED: msg("doctor.state.refused"),
    PageState.JAVASCRIPT: msg("doctor.state.javascript"),
    PageState.CHANGED: msg("doctor.state.changed"),
    PageState.REDIRECTED: msg("doctor.state.redirected"),
    PageState.MAINTENANCE: msg("doctor.state.maintenance"),
    PageState.UNREACHABLE: msg("doctor.state.unreachable"),
    PageState.OFF: msg("doctor.state.off"),
}


@dataclass(frozen=True, slots=True)
class PageCheck:
    """One carrier's checker page as the doctor found it."""

    carrier: Carrier
    state: PageState
    origin: str
    page: str  # the address asked
    found: Message  # what the page is, or lacks
    missing: tuple[str, ...] = ()  # of the shape tenken reads
    evidence: Evidence | None = None  # what was fetched (None: nothing came back, or not contacted)
    not_checked: tuple[str, ...] = ()  # where answer pages hold the answer: seen only with an IMEI

    @property
    def means(self) -> Message:
        """What the state means for the day's look-ups."""
        if self.state is PageState.REDIRECTED:
            return msg("doctor.day.redirected", key=self.carrier.value)
        if self.state is PageState.UNREACHABLE:
            return msg("doctor.day.unreachable", key=self.carrier.value)
        return _MEANS[self.state]

    @property
    def said_state(self) -> Message:
        return _STATE[self.state]

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "state": self.state.value,
            "origin": self.origin,
            "page": self.page,
            "found": self.found,
            "means": self.means,
            "missing": list(self.missing),
            "not_checked": list(self.not_checked),
            "fetched": None if self.evidence is None else self.evidence.to_json(),
        }


async def check_pages(
    settings: Settings, carriers: Sequence[Carrier] = tuple(Carrier), *, turns: Turns | None = None
) -> list[PageCheck]:
    """Every carrier's checker page, in the carriers' order; those switched off are not contacted.
    `turns` books each request in the fleet's shared spacing (`booked_turns`), as the look-ups do."""
    once = copy.copy(settings.lookup)
    once.retries = 0  # once each: a site that fails is reported as it failed, not asked again
    async with PoliteClient(once, turns=turns) as client:
        return list(await asyncio.gather(*(check_page(client, settings, carrier) for carrier in carriers)))


def booked_turns(store: Store) -> Turns:
    """Each request's slot at its site booked in the database every tenken process and station on it
    shares (the look-ups' fleet-wide spacing); a database that cannot book leaves this process's own."""

    async def turn(site: str, spacing: float) -> float:
        try:
            return await asyncio.to_thread(store.take_turn, site, spacing, time.time())
        except StoreError as error:
            log.info("carrier politeness is per process for now: %s", error)
            return 0.0

    return turn


async def check_page(client: PoliteClient, settings: Settings, carrier: Carrier) -> PageCheck:
    kind = provider_class(carrier)
    shape = kind.shape
    site = settings.lookup.site(carrier)
    origin = site.origin.rstrip("/")
    page = origin + shape.path
    if not site.enabled:
        return PageCheck(carrier, PageState.OFF, origin, page, msg("doctor.site.off", key=carrier.value))
    evidence: Evidence | None
    async with client.site(carrier.value, origin) as session:
        try:
            fetched = await session.get(page)
        except SiteUnavailable as error:
            reading = PageReading(PageState.UNREACHABLE, msg("doctor.site.unreachable", reason=error.reason))
            evidence = error.evidence
        except OffOrigin as error:
            target = excerpt(error.target, 120)
            reading = PageReading(PageState.REDIRECTED, msg("doctor.site.redirected", target=target))
            evidence = error.evidence
        else:
            charset, formless = "utf-8", PageState.CHANGED
            if issubclass(kind, FormProvider):
                charset = kind.default_charset
                if kind.missing_form is Outcome.NEEDS_BROWSER:  # au: the form is built by a script at times
                    formless = PageState.JAVASCRIPT
            reading = read_page(
                shape,
                fetched.status,
                fetched.body,
                fetched.content_type,
                fetched.url,
                cookies=fetched.cookies,
                cut=fetched.cut,
                default_charset=charset,
                formless=formless,
            )
            evidence = fetched.evidence
    return PageCheck(
        carrier,
        reading.state,
        origin,
        page,
        reading.found,
        reading.missing,
        evidence,
        shape.answer,
    )


def exit_code(checks: Sequence[PageCheck]) -> int:
    """2 some site will not answer programs (its look-ups will be hand-offs), before 1 some page is not
    what tenken reads (changed, or sent elsewhere), before 3 some site could not be checked (down,
    maintenance); 0 otherwise (docs/lookups.md, "Before the day starts")."""
    states = {check.state for check in checks}
    if any(state.hands_off for state in states):
        return EXIT_HOLD
    if any(state.unreadable for state in states):
        return EXIT_FLAGGED
    if any(state.down for state in states):
        return EXIT_NOT_ASKED
    return EXIT_OK
