"""Politeness of the shared client, with httpx's own fake transport and a fake clock (no timing asserts)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tenken import __version__
from tenken.config import LookupSettings
from tenken.lookups.client import PoliteClient, SiteUnavailable
from tests.conftest import text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)


def client_with(handler: httpx.MockTransport, clock: FakeClock, **overrides: float) -> PoliteClient:
    settings = LookupSettings(spacing=3.0, retries=3, backoff=2.0, backoff_max=60.0)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return PoliteClient(settings, transport=handler, sleep=clock.sleep, clock=clock.clock)


async def test_requests_to_one_site_are_spaced_and_sites_are_independent() -> None:
    clock = FakeClock()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="ok"))
    async with client_with(transport, clock) as client:
        async with client.site("docomo") as docomo:
            await docomo.get("http://docomo.test/top.php")
            await docomo.post("http://docomo.test/search.php")
        async with client.site("au") as au:
            await au.get("http://au.test/form")
        async with client.site("docomo") as docomo:
            await docomo.get("http://docomo.test/top.php")
    # docomo's second and third requests wait the spacing; au's first request waits for nobody.
    assert clock.sleeps == [3.0, 3.0]


async def test_one_flow_at_a_time_per_site() -> None:
    clock = FakeClock()
    order: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        order.append(f"{request.url.host}:{request.method}:{request.headers.get('x-flow')}")
        await asyncio.sleep(0)
        return httpx.Response(200, text="ok")

    async with client_with(httpx.MockTransport(handler), clock, spacing=0) as client:

        async def flow(number: int) -> None:
            async with client.site("softbank") as session:
                await session.get("http://sb.test/WBF/icv", headers={"x-flow": str(number)})
                await asyncio.sleep(0)  # give other flows every chance to cut in
                await session.post("http://sb.test/WBF/icv", headers={"x-flow": str(number)})

        await asyncio.gather(*(flow(number) for number in range(5)))
    flows = [entry.split(":")[2] for entry in order]
    assert flows == [str(n) for n in range(5) for _ in range(2)]  # GET, POST of one flow, then the next


async def test_exponential_backoff_on_5xx_then_gives_up() -> None:
    clock = FakeClock()
    transport = httpx.MockTransport(lambda request: httpx.Response(503, text="busy"))
    async with client_with(transport, clock, spacing=0) as client:
        async with client.site("au") as session:
            with pytest.raises(SiteUnavailable) as caught:
                await session.get("http://au.test/")
    assert text(caught.value.reason) == "HTTP 503 (tried 4×)"
    assert clock.sleeps == [2.0, 4.0, 8.0]
    assert caught.value.evidence is not None and caught.value.evidence.http_status == 503
    assert client.requests_sent == 4


async def test_retry_after_is_honoured_up_to_the_cap() -> None:
    clock = FakeClock()
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, text="ok")])
    async with client_with(httpx.MockTransport(lambda request: next(answers)), clock, spacing=0) as client:
        async with client.site("rakuten") as session:
            fetched = await session.get("http://rakuten.test/")
    assert fetched.status == 200
    assert clock.sleeps == [7.0]


async def test_timeouts_are_retried_and_reported() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with client_with(httpx.MockTransport(handler), clock, spacing=0, retries=1, timeout=5) as client:
        async with client.site("docomo") as session:
            with pytest.raises(SiteUnavailable) as caught:
                await session.get("http://docomo.test/")
    assert text(caught.value.reason) == "no answer within 5 s (tried 2×)"


async def test_honest_user_agent_and_evidence() -> None:
    clock = FakeClock()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return httpx.Response(200, content="○".encode(), headers={"content-type": "text/plain"})

    async with client_with(httpx.MockTransport(handler), clock) as client:
        async with client.site("docomo") as session:
            fetched = await session.get("http://docomo.test/x")
    assert seen == [
        f"tenken/{__version__} (used-phone inspection; network-restriction check, one request at a time)"
    ]
    assert fetched.evidence.body == "○".encode()
    assert fetched.evidence.url == "http://docomo.test/x"
    assert len(fetched.evidence.sha256) == 64
