"""The page's fixtures: a fake station (tests/web/fake.py), the app over it, and the app served by
uvicorn on a real socket (for server-sent events and the browser)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from tenken.sim.ports import free_port
from tenken.web.app import Site, create_app
from tests.station.conftest import iphones, sites  # noqa: F401  (fixtures: the simulators)
from tests.web.browser import chrome  # noqa: F401  (a fixture: Debian's Chromium)
from tests.web.fake import FakeView

TITLES = {
    "retail": {"en": "retail", "ja": "店頭"},
    "flea_market": {"en": "flea market", "ja": "フリマ"},
    "parts": {"en": "parts", "ja": "部品"},
}
BASE = "http://127.0.0.1"


@pytest.fixture
def view() -> FakeView:
    return FakeView(["A-1", "A-2", "A-10"])


@pytest.fixture
def site(view: FakeView) -> Site:
    return Site(view, TITLES, os_user="tester")


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site), base_url=BASE, follow_redirects=False) as test_client:
        yield test_client


def token(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the client's session, as the page carries it."""
    page = client.get(path)
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
    assert found, page.text[:500]
    return found.group(1)


@dataclass
class Served:
    url: str
    site: Site


@pytest.fixture
def served(site: Site) -> Iterator[Served]:
    """The app behind uvicorn on 127.0.0.1 (a thread of its own), as `tenken serve` runs it."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(site), host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield Served(f"http://127.0.0.1:{port}", site)
    finally:
        site.view.stop()  # type: ignore[attr-defined]  # the fake's: every /events stream ends
        server.should_exit = True
        thread.join(10)
