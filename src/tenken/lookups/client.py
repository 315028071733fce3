"""The one HTTP client every carrier provider shares: polite, patient, and keeping evidence.

Politeness is per carrier site: one flow at a time (`site()`), requests spaced by `spacing` seconds
(across processes and stations too, when they share a database: `turns`),
exponential backoff on timeouts, 429 and 5xx, and an honest User-Agent. Every response comes back with
its Evidence (URL, status, time, body) so the answer can be proven later.
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

# Books the next request slot at a site with every other process sharing the database; how long to
# wait for it (seconds). (site, spacing) → seconds.
Turns = Callable[[str, float], Awaitable[float]]


class SiteUnavailable(Exception):
    """The site did not answer usefully after every retry. Carries why, and the last response, if any."""

    def __init__(self, reason: Message, evidence: Evidence | None = None) -> None:
        super().__init__(reason.code)
        self.reason = reason
        self.evidence = evidence


class Fetched:
    """A response as it arrived. Its Evidence (URL, status, time, body and sha256) is made when asked for:
    the form page a flow passes on the way to the answer is not kept and needs none."""

    __slots__ = ("_evidence", "fetched_at", "response")

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.fetched_at = datetime.now(UTC)
        self._evidence: Evidence | None = None

    @property
    def url(self) -> str:
        return str(self.response.url)

    @property
    def content_type(self) -> str:
        value: str = self.response.headers.get("content-type", "")
        return value

    @property
    def evidence(self) -> Evidence:
        if self._evidence is None:
            response = self.response
            self._evidence = Evidence.received(
                self.url,
                response.request.method,
                response.status_code,
                self.fetched_at,
                response.content,
                self.content_type,
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
                follow_redirects=True,
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

    def site(self, site: str) -> SiteSession:
        """`async with client.site(name) as session`: hold the site for one look-up flow (form GET, then
        POST) so flows never interleave."""
        return SiteSession(self, site, self._state(site))

    def queued(self) -> dict[str, int]:
        """Look-up flows waiting for their turn or running, per carrier site (the station's board)."""
        return {site: state.queued + int(state.lock.locked()) for site, state in self._sites.items()}

    async def _send(self, site: str, state: _SiteState, method: str, url: str, **kwargs: Any) -> Fetched:
        attempts = self.settings.retries + 1
        last_problem = msg("site.no_attempt")
        last_evidence: Evidence | None = None
        for attempt in range(attempts):
            wait = state.last_request_start + self.settings.spacing - self._clock()
            if wait > 0:
                await self._sleep(wait)
            if self._turns is not None and self.settings.spacing > 0:
                shared_wait = await self._turns(site, self.settings.spacing)
                if shared_wait > 0:
                    await self._sleep(shared_wait)
            retry_after: float | None = None
            state.last_request_start = self._clock()
            try:
                self.requests_sent += 1
                response = await self._http(site).request(method, _parsed(url), **kwargs)
            except httpx.TimeoutException:
                last_problem = msg("site.timeout", seconds=self.settings.timeout)
            except httpx.TransportError as error:
                last_problem = msg("site.cannot_connect", error=f"{type(error).__name__} {error}".strip())
            else:
                fetched = Fetched(response)
                if response.status_code not in RETRY_STATUSES:
                    return fetched
                last_problem = msg("site.http_status", status=response.status_code)
                last_evidence = fetched.evidence
                retry_after = _retry_after(response)
            if attempt + 1 < attempts:
                delay = min(self.settings.backoff * (2**attempt), self.settings.backoff_max)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), self.settings.backoff_max)
                log.info("%s %s: %s; retrying in %.1f s", method, url, last_problem, delay)
                await self._sleep(delay)
        raise SiteUnavailable(msg("site.gave_up", problem=last_problem, attempts=attempts), last_evidence)


class SiteSession:
    """Requests within one held site: spaced and retried by the client. Holds the site's lock from
    `async with` to its end."""

    def __init__(self, client: PoliteClient, site: str, state: _SiteState) -> None:
        self._client = client
        self.site = site
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

    async def get(self, url: str, **kwargs: Any) -> Fetched:
        return await self._client._send(self.site, self._state, "GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Fetched:
        return await self._client._send(self.site, self._state, "POST", url, **kwargs)


@functools.lru_cache(maxsize=64)
def _parsed(url: str) -> httpx.URL:
    """A URL parsed once: the same form and action come back for every IMEI, and parsing costs httpx
    more per request than the rest of building it."""
    return httpx.URL(url)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
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
