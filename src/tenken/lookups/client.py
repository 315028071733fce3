"""The one HTTP client every carrier provider shares: polite, patient, and keeping evidence.

Politeness is per carrier site: one flow at a time (`site()`), requests spaced by `spacing` seconds
(across processes and stations too, when they share a database: `turns`),
exponential backoff on timeouts, 429 and 5xx, and an honest User-Agent. Every response comes back with
its Evidence (URL, status, time, body) so the answer can be proven later.

What comes back is bounded so that only the carrier can answer: a request leaves only for the site's own
origin (scheme, host and port), a redirect is followed only within it (elsewhere: `OffOrigin`, never
followed), and no more than `max_page_bytes` of a body is read (the rest is left unread and the page is
marked as cut).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tenken import __version__
from tenken.config import LookupSettings
from tenken.facts import Evidence, Message, msg

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"tenken/{__version__} (used-phone inspection; network-restriction check, one request at a time)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}

# Books the next request slot at a site with every other process sharing the database; how long to
# wait for it (seconds). (site, spacing) → seconds.
Turns = Callable[[str, float], Awaitable[float]]


class SiteUnavailable(Exception):
    """The site did not answer usefully after every retry. Carries why, and the last response, if any."""

    def __init__(self, reason: Message, evidence: Evidence | None = None) -> None:
        super().__init__(reason.code)
        self.reason = reason
        self.evidence = evidence


class OffOrigin(Exception):
    """A request or a redirect would leave the carrier's own origin: whatever answers there is not the
    carrier. Carries where it pointed and, for a redirect, the response that pointed there."""

    def __init__(self, target: str, evidence: Evidence | None = None) -> None:
        super().__init__(target)
        self.target = target
        self.evidence = evidence


class Fetched:
    """A response as it arrived: status, headers and at most `max_page_bytes` of its body (`cut` when
    there was more). Its Evidence (URL, status, time, body and sha256) is made when asked for: the form
    page a flow passes on the way to the answer is not kept and needs none."""

    __slots__ = (
        "_evidence",
        "body",
        "content_type",
        "cut",
        "fetched_at",
        "headers",
        "method",
        "retry_after",
        "status",
        "url",
    )

    def __init__(self, response: httpx.Response, body: bytes, *, cut: bool = False) -> None:
        self.url = str(response.url)
        self.method = response.request.method
        self.status = response.status_code
        self.content_type: str = response.headers.get("content-type", "")
        self.retry_after: str | None = response.headers.get("retry-after")
        self.headers = response.headers
        self.body = body
        self.cut = cut
        self.fetched_at = datetime.now(UTC)
        self._evidence: Evidence | None = None

    @property
    def cookies(self) -> list[str]:
        """The names of the cookies this response sets."""
        return [value.split("=", 1)[0].strip() for value in self.headers.get_list("set-cookie")]

    @property
    def ok(self) -> bool:
        """The site's success status: only a 2xx page can be an answer."""
        return 200 <= self.status < 300

    @property
    def evidence(self) -> Evidence:
        if self._evidence is None:
            self._evidence = Evidence.received(
                self.url,
                self.method,
                self.status,
                self.fetched_at,
                self.body,
                self.content_type,
                cut=self.cut,
            )
        return self._evidence


class _SiteState:
    """Per-site politeness: a lock held for a whole look-up flow and when the last request started
    (requests start `spacing` apart, as the slots shared through the database do)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.last_request_start = float("-inf")
        self.queued = 0


class PoliteClient:
    def __init__(
        self,
        settings: LookupSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        turns: Turns | None = None,
    ) -> None:
        self.settings = settings
        self._turns = turns
        self._sleep = sleep
        self._clock = clock
        self._sites: dict[str, _SiteState] = {}
        self.requests_sent = 0
        self._transport = transport
        # One HTTP session (cookie jar, connection) per site, as a browser tab per carrier would have:
        # sites must not see each other's cookies even when a simulator serves them all from one host.
        self._sessions: dict[str, httpx.AsyncClient] = {}
        self._tls = ssl.create_default_context()  # loading CA certificates costs ~50 ms: once, not per site

    def _http(self, site: str) -> httpx.AsyncClient:
        client = self._sessions.get(site)
        if client is None:
            client = self._sessions[site] = httpx.AsyncClient(
                headers={
                    "User-Agent": self.settings.user_agent or DEFAULT_USER_AGENT,
                    "Accept-Language": "ja,en;q=0.5",
                },
                timeout=httpx.Timeout(self.settings.timeout),
                follow_redirects=False,  # followed by hand, and only within the site's origin
                transport=self._transport,
                verify=self._tls,
            )
        return client

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._sessions.values():
            await client.aclose()
        self._sessions.clear()

    def _state(self, site: str) -> _SiteState:
        state = self._sites.get(site)
        if state is None:
            state = self._sites[site] = _SiteState()
        return state

    def site(self, site: str, origin: str | None = None) -> SiteSession:
        """`async with client.site(name, origin) as session`: hold the site for one look-up flow (form
        GET, then POST) so flows never interleave. With `origin`, no request leaves it (`OffOrigin`)."""
        return SiteSession(self, site, self._state(site), origin)

    def queued(self) -> dict[str, int]:
        """Look-up flows waiting for their turn or running, per carrier site (the station's board)."""
        return {site: state.queued + int(state.lock.locked()) for site, state in self._sites.items()}

    async def _send(
        self, site: str, state: _SiteState, origin: str | None, method: str, url: str, **kwargs: Any
    ) -> Fetched:
        if origin is not None and not same_origin(url, origin):
            raise OffOrigin(url)  # a form whose action points elsewhere: the IMEI is not sent there
        attempts = self.settings.retries + 1
        last_problem = msg("site.no_attempt")
        last_evidence: Evidence | None = None
        for attempt in range(attempts):
            await self._turn(site, state)
            retry_after: float | None = None
            try:
                fetched = await self._fetch(site, origin, method, url, **kwargs)
            except httpx.TimeoutException:
                last_problem = msg("site.timeout", seconds=self.settings.timeout)
            except httpx.TransportError as error:
                last_problem = msg("site.cannot_connect", error=f"{type(error).__name__} {error}".strip())
            else:
                if fetched.status not in RETRY_STATUSES:
                    return fetched
                last_problem = msg("site.http_status", status=fetched.status)
                last_evidence = fetched.evidence
                retry_after = _retry_after(fetched.retry_after)
            if attempt + 1 < attempts:
                delay = min(self.settings.backoff * (2**attempt), self.settings.backoff_max)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), self.settings.backoff_max)
                log.info("%s %s: %s; retrying in %.1f s", method, url, last_problem, delay)
                await self._sleep(delay)
        raise SiteUnavailable(msg("site.gave_up", problem=last_problem, attempts=attempts), last_evidence)

    async def _turn(self, site: str, state: _SiteState) -> None:
        """Wait for this process's spacing and the turn booked with every process sharing the database;
        the request that follows starts now."""
        wait = state.last_request_start + self.settings.spacing - self._clock()
        if wait > 0:
            await self._sleep(wait)
        if self._turns is not None and self.settings.spacing > 0:
            shared_wait = await self._turns(site, self.settings.spacing)
            if shared_wait > 0:
                await self._sleep(shared_wait)
        state.last_request_start = self._clock()

    async def _fetch(self, site: str, origin: str | None, method: str, url: str, **kwargs: Any) -> Fetched:
        """One request, its redirects followed within the origin (as a browser would, at once), and the
        body read up to the cap."""
        http = self._http(site)
        request = http.build_request(method, _parsed(url), **kwargs)
        for _hop in range(MAX_REDIRECTS + 1):
            self.requests_sent += 1
            response = await http.send(request, stream=True)
            try:
                body, cut = await _read_capped(response, self.settings.max_page_bytes)
            finally:
                await response.aclose()
            fetched = Fetched(response, body, cut=cut)
            following = response.next_request
            if following is None:
                return fetched
            if origin is not None and not same_origin(str(following.url), origin):
                raise OffOrigin(str(following.url), fetched.evidence)
            request = following
        return fetched  # a redirect loop: the last redirect is what the site said (not a 2xx answer)


class SiteSession:
    """Requests within one held site: spaced and retried by the client. Holds the site's lock from
    `async with` to its end."""

    def __init__(self, client: PoliteClient, site: str, state: _SiteState, origin: str | None) -> None:
        self._client = client
        self.site = site
        self.origin = origin
        self._state = state

    async def __aenter__(self) -> SiteSession:
        self._state.queued += 1
        try:
            await self._state.lock.acquire()
        finally:
            self._state.queued -= 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._state.lock.release()

    @property
    def max_page_bytes(self) -> int:
        return self._client.settings.max_page_bytes

    async def turn(self) -> None:
        """Wait for the site's next turn, as a request would, without sending one: what a browser is about
        to ask the site (the assisted check, station/handoff.py) is spaced like tenken's own requests."""
        await self._client._turn(self.site, self._state)

    async def get(self, url: str, **kwargs: Any) -> Fetched:
        return await self._client._send(self.site, self._state, self.origin, "GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Fetched:
        return await self._client._send(self.site, self._state, self.origin, "POST", url, **kwargs)


@functools.lru_cache(maxsize=64)
def _parsed(url: str) -> httpx.URL:
    """A URL parsed once: the same form and action come back for every IMEI, and parsing costs httpx
    more per request than the rest of building it."""
    return httpx.URL(url)


def origin_of(url: str | httpx.URL) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in: what "the same origin" compares."""
    parsed = url if isinstance(url, httpx.URL) else _parsed(url)
    port = parsed.port or DEFAULT_PORTS.get(parsed.scheme, 0)
    return parsed.scheme, parsed.host.lower(), port


def same_origin(url: str, origin: str) -> bool:
    try:
        return origin_of(url) == origin_of(origin)
    except httpx.InvalidURL:
        return False


async def _read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """At most `cap` bytes of the (decoded) body, and whether there was more: a page is never held whole
    when a site sends megabytes (a compressed body is cut as it is inflated, not after)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        parts.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(parts)[:cap], True
    return b"".join(parts), False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0.0, (parsed - datetime.now(UTC)).total_seconds())
