"""The assisted browser check (`tenken handoff`): where a carrier's site will not answer a program (an
image CAPTCHA, a bot check, a page that is a JavaScript app), tenken opens the carrier's own page in a
Chromium window on the station's screen, types the IMEI, and waits for the person at the station. When the
answer appears, it is read with the same parser as the automatic look-up (the carrier's provider in
lookups/), and kept with the page as the browser had it, a full-page screenshot, their sha256, the time and
the address the browser showed, `via: browser` and who was there.

A person is in the loop: tenken never solves a CAPTCHA (where the page shows one it waits for the person to
type it and click), never hides that the browser is automated (no flag that masks it, Chromium's own
user agent and infobar), and never retries past a refusal (a page that still refuses is an answer that
says so, and that carrier's other IMEIs are left to the manual path). One look-up at a time per site,
under the same spacing as the automatic look-ups (lookups/client.py `SiteSession.turn`).

Chromium is driven over chromedriver with Selenium (`pip install 'tenken[browser]'`; Debian's
/usr/bin/chromium and /usr/bin/chromedriver, or TENKEN_CHROMIUM / TENKEN_CHROMEDRIVER); no browser is
downloaded.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tenken.errors import BrowserUnavailable, StoreError
from tenken.facts import (
    BROWSER_METHOD,
    Carrier,
    Evidence,
    LookupResult,
    Message,
    Outcome,
    Via,
    msg,
    utcnow,
)
from tenken.lookups.base import Answer, Provider
from tenken.lookups.client import same_origin
from tenken.lookups.pages import PageKind, classify, excerpt

if TYPE_CHECKING:
    from tenken.config import Settings
    from tenken.store import Store

Say = Callable[[Message], None]

# What a page that still refuses says: that carrier's other IMEIs are not tried (never retry past a refusal).
REFUSALS = frozenset({Outcome.CAPTCHA_REQUIRED, Outcome.NEEDS_BROWSER, Outcome.UNAVAILABLE})
SETTLE_SECONDS = 5.0  # at most this long for a page's script to show the reply it received
SCREENSHOT_MAX_HEIGHT = 16384  # CSS pixels: Chromium's own limit for one image


@dataclass(frozen=True, slots=True)
class Handed:
    """What one hand-off gave: the answer read off the page (kept in the store), or why there is none
    (then nothing was kept)."""

    imei: str
    carrier: Carrier
    result: LookupResult | None
    problem: Message | None = None


def chromedriver() -> str | None:
    """chromedriver: TENKEN_CHROMEDRIVER, else the one on PATH (Debian's chromium-driver)."""
    chosen = os.environ.get("TENKEN_CHROMEDRIVER")
    return shutil.which(chosen) if chosen else shutil.which("chromedriver")


class Browser:
    """One Chromium window, driven over chromedriver. Blocking: the hand-off runs it in a worker thread."""

    def __init__(self, *, headless: bool, timeout: float, max_page_bytes: int = 2 * 1024 * 1024) -> None:
        try:
            from selenium import webdriver
            from selenium.common.exceptions import WebDriverException
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            raise BrowserUnavailable(msg("handoff.no_selenium")) from None
        from tenken.report.pdf import chromium

        binary, driver = chromium(), chromedriver()
        if binary is None or driver is None:
            raise BrowserUnavailable(msg("handoff.no_chromium"))
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        if headless:  # tests and CI only: nobody can read a CAPTCHA in a window nobody sees
            options.add_argument("--headless=new")
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        options.add_argument("--window-size=1024,900")
        options.set_capability(
            "goog:loggingPrefs", {"performance": "ALL"}
        )  # the replies a page's script gets
        try:
            self.driver = webdriver.Chrome(options=options, service=Service(driver))
        except WebDriverException as error:
            first = (error.msg or str(error)).strip().splitlines()[0] if (error.msg or str(error)) else ""
            raise BrowserUnavailable(msg("handoff.browser_failed", error=excerpt(first, 200))) from None
        self.timeout = timeout
        self.max_page_bytes = max_page_bytes  # as the look-up: more is cut, and a cut page is no answer
        self._replies: dict[str, dict[str, Any]] = {}  # request id → the response as the network log had it
        self._finished: set[str] = set()

    def close(self) -> None:
        self.driver.quit()

    def check(self, provider: Provider, imei: str, say: Say) -> tuple[Evidence | None, Message | None]:
        """Open the carrier's page, type the IMEI, and wait for the answer: the page's submit is clicked for
        the person unless the page shows a CAPTCHA (then the person types it and clicks). The evidence of
        the answer, or why there is none."""
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        assisted = provider.assisted
        driver = self.driver
        page_url = provider.origin + assisted.path
        reply_url = provider.origin + assisted.reply.format(imei=imei) if assisted.reply else None
        wait = WebDriverWait(driver, self.timeout, poll_frequency=0.1)
        try:
            self._network()  # what earlier pages received is taken in, then forgotten
            self._replies.clear()
            self._finished.clear()
            driver.get(page_url)
            field = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, assisted.field)))
            # The IMEI goes only to the carrier's own origin: not typed into a page that was sent elsewhere,
            # nor into a form that posts elsewhere (as the look-up, lookups/client.py).
            action = driver.execute_script("return arguments[0].form ? arguments[0].form.action : ''", field)
            for where in (driver.current_url, action or driver.current_url):
                if not same_origin(where, provider.origin):
                    return None, msg("site.off_origin", target=excerpt(where, 120), origin=provider.origin)
            field.clear()
            field.send_keys(imei)
            before = driver.find_element(By.TAG_NAME, "html")
            if classify(driver.page_source) is PageKind.CAPTCHA:
                say(msg("handoff.waiting", carrier=provider.carrier, imei=imei, seconds=self.timeout))
            else:
                driver.find_element(By.CSS_SELECTOR, assisted.submit).click()
            shown = self._result_text(assisted.result)
            if reply_url is None:
                wait.until(ec.staleness_of(before))
                wait.until(lambda seen: seen.execute_script("return document.readyState") == "complete")
                return self._page_evidence(), None
            request = wait.until(lambda _seen: self._reply_to(reply_url)) or ""
            self._settle(assisted.result, shown)
            return self._reply_evidence(request), None
        except TimeoutException:
            where = driver.current_url or page_url
            return None, msg("handoff.timed_out", seconds=self.timeout, url=where)
        except WebDriverException as error:
            first = (error.msg or "").strip().splitlines()
            return None, msg("handoff.browser_failed", error=excerpt(first[0] if first else repr(error), 200))

    # ------------------------------------------------------------------ what the browser had

    def _status(self) -> int:
        """The HTTP status of the page shown, as the browser received it (0 when it cannot say)."""
        found = self.driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0;"
        )
        return int(found or 0)

    def _screenshot(self) -> bytes:
        """The whole page, not only what the window shows (PNG)."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = dict(metrics.get("cssContentSize") or metrics["contentSize"])
        size["height"] = min(size["height"], SCREENSHOT_MAX_HEIGHT)  # a page made endless stays an image
        size["width"] = min(size["width"], SCREENSHOT_MAX_HEIGHT)
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            },
        )
        return base64.b64decode(shot["data"])

    def _page_evidence(self) -> Evidence:
        """The result page as the browser had it: its HTML (UTF-8), status, address and a screenshot."""
        # The address, status and HTML of one and the same document (a page that moves on after it
        # loaded is not read under another's address); then the screenshot, and the address once more.
        url, status, html, received = self.driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            "return [location.href, n ? n.responseStatus : 0, document.documentElement.outerHTML,"
            " n ? n.decodedBodySize : 0];"
        )
        body, cut = self._capped(str(html).encode("utf-8"))
        cut = cut or int(received or 0) > self.max_page_bytes  # what arrived, not only what the DOM kept
        shot = self._screenshot()
        moved = self.driver.current_url != url
        return Evidence.received(
            str(url),
            BROWSER_METHOD,
            0 if moved else int(status or 0),  # moved on meanwhile: not an answer (status 0)
            utcnow(),
            body,
            "text/html; charset=utf-8",
            cut=cut,
            screenshot=shot,
        )

    def _capped(self, body: bytes) -> tuple[bytes, bool]:
        """At most max_page_bytes of a body, and whether it was cut (as lookups/client.py reads one)."""
        return body[: self.max_page_bytes], len(body) > self.max_page_bytes

    def _reply_evidence(self, request: str) -> Evidence:
        """The reply the page's script received (the answer), with the page's HTML and a screenshot."""
        response = self._replies[request]
        body = self.driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": request})
        raw = body.get("body", "")
        data, cut = self._capped(
            base64.b64decode(raw) if body.get("base64Encoded") else str(raw).encode("utf-8")
        )
        headers = {name.lower(): value for name, value in (response.get("headers") or {}).items()}
        return Evidence.received(
            str(response["url"]),
            BROWSER_METHOD,
            int(response.get("status") or 0),
            utcnow(),
            data,
            str(headers.get("content-type") or response.get("mimeType") or ""),
            cut=cut,
            screenshot=self._screenshot(),
            page=self._capped(self.driver.page_source.encode("utf-8"))[0],
        )

    def _network(self) -> None:
        """Take in what the network log holds: the responses and which of them finished loading."""
        for entry in self.driver.get_log("performance"):  # type: ignore[no-untyped-call]
            event = json.loads(entry["message"]).get("message", {})
            params = event.get("params", {})
            if event.get("method") == "Network.responseReceived":
                self._replies[params["requestId"]] = params["response"]
            elif event.get("method") == "Network.loadingFinished":
                self._finished.add(params["requestId"])

    def _reply_to(self, url: str) -> str | None:
        """The request id of a finished response from `url`, once the page's script received one."""
        self._network()
        for request, response in self._replies.items():
            if response.get("url") == url and request in self._finished:
                return request
        return None

    def _result_text(self, selector: str | None) -> str:
        if selector is None:
            return ""
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        return str(found[0].text) if found else ""

    def _settle(self, selector: str | None, before: str) -> None:
        """Let the page's script show the reply it received (the screenshot is of what the person saw)."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        if selector is None:
            return
        # What the page showed right after the click, when it is a progress line (照会中…), is not the
        # result; anything else there already is (a fast reply).
        progress = before if before.rstrip().endswith(("…", "...")) else None
        with contextlib.suppress(TimeoutException):  # the reply is the answer; the screenshot shows the page
            WebDriverWait(self.driver, min(SETTLE_SECONDS, self.timeout), poll_frequency=0.1).until(
                lambda _seen: self._result_text(selector) not in ("", progress)
            )


def read(provider: Provider, imei: str, evidence: Evidence, by: str) -> LookupResult:
    """The answer in what the browser had, read with the carrier's own parser (the one that reads the
    automatic look-up's pages and every stored page again), from the carrier's origin only."""
    if not same_origin(evidence.url, provider.origin):
        detail = msg("site.off_origin", target=excerpt(evidence.url, 120), origin=provider.origin)
        answer = Answer(Outcome.PARSE_ERROR, detail=detail)
    else:
        answer = provider.reread(imei, evidence)
    return replace(provider.result(imei, answer, evidence), via=Via.BROWSER, by=by)


async def hand_off(
    settings: Settings,
    store: Store,
    imeis: Sequence[str],
    carriers: Sequence[Carrier],
    *,
    by: str,
    headless: bool,
    wait_seconds: float,
    say: Say,
) -> list[Handed]:
    """Each carrier's page in one window, IMEI then IMEI2; every answer read is kept at once."""
    from tenken.lookups.service import LookupService

    browser = await asyncio.to_thread(
        Browser, headless=headless, timeout=wait_seconds, max_page_bytes=settings.lookup.max_page_bytes
    )
    carriers = [carrier for carrier in carriers if settings.lookup.site(carrier).enabled]  # off: not asked
    found: list[Handed] = []
    try:
        async with LookupService(settings, store, use_cache=False) as service:
            for carrier in carriers:
                provider = service.providers[carrier]
                refused: Message | None = None
                for imei in imeis:
                    if refused is not None:
                        found.append(Handed(imei, carrier, None, msg("handoff.not_retried", carrier=carrier)))
                        continue
                    async with service.client.site(carrier.value, provider.origin) as session:
                        await session.turn()
                        url = provider.origin + provider.assisted.path
                        say(msg("handoff.opening", carrier=carrier, url=url, imei=imei))
                        evidence, problem = await asyncio.to_thread(browser.check, provider, imei, say)
                    if evidence is None:
                        found.append(Handed(imei, carrier, None, problem))
                        continue
                    result = read(provider, imei, evidence, by)
                    with contextlib.suppress(StoreError):  # in the spool, or lost: the store's health says
                        await asyncio.to_thread(store.save_lookups, [result])
                    found.append(Handed(imei, carrier, result))
                    if result.outcome in REFUSALS:
                        refused = result.detail
    finally:
        await asyncio.to_thread(browser.close)
    return found
