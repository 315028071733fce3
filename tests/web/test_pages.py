"""The page over a fake station, through Starlette's TestClient: what each page shows, the JSON for
tools, and the rules that keep the page safe (CSRF, cookies, CSP, escaping, uploads, Host names)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tenken.facts import Carrier
from tests.web.conftest import token
from tests.web.fake import FakeView, phone

IMEI = "490154203237518"


def test_the_board_shows_every_port_in_order_with_its_phone_and_level(
    view: FakeView, client: TestClient
) -> None:
    view.done("A-2", phone("F2LXK0AAAAAA", IMEI))
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.index('data-port="A-1"') < page.text.index('data-port="A-2"') < page.text.index(
        'data-port="A-10"'
    )
    assert "iPhone 13" in page.text and "告知して販売可" in page.text  # Japanese first
    assert "空き" in page.text  # a free port
    english = client.get("/?lang=en")
    assert "SELLABLE, disclose" in english.text and "free" in english.text
