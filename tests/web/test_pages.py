"""The page over a fake station, through Starlette's TestClient: what each page shows, the JSON for
tools, and the rules that keep the page safe (CSRF, cookies, CSP, escaping, uploads, Host names)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from starlette.testclient import TestClient

from tenken.errors import NotFound
from tenken.facts import Carrier, Outcome
from tenken.inspection import Inspection
from tenken.web.app import FORM_OVERHEAD, Site, create_app
from tenken.web.auth import hash_password
from tenken.web.sources import Due, Page
from tests.conftest import ESCAPES, MARKUP
from tests.schemas import check_json
from tests.web.conftest import token
from tests.web.fake import FakeView, phone

IMEI = "490154203237518"
PNG = b"\x89PNG\r\n\x1a\n"


class Users:
    def __init__(self, hashes: Mapping[str, str]) -> None:
        self.hashes = dict(hashes)

    def names(self) -> Sequence[str]:
        return sorted(self.hashes)

    def password_hash(self, name: str) -> str | None:
        return self.hashes.get(name)


def test_the_board_shows_every_port_in_order_with_its_phone_and_level(
    view: FakeView, client: TestClient
) -> None:
    view.done("A-2", phone("F2LXK0AAAAAA", IMEI))
    page = client.get("/")
    assert page.status_code == 200
    assert (
        page.text.index('data-port="A-1"')
        < page.text.index('data-port="A-2"')
        < page.text.index('data-port="A-10"')
    )
    assert "iPhone 13" in page.text and "告知して販売可" in page.text  # Japanese first
    assert "空き" in page.text  # a free port
    english = client.get("/?lang=en")
    assert "SELLABLE, disclose" in english.text and "free" in english.text


def test_the_api_board_carries_each_port_as_data(view: FakeView, client: TestClient) -> None:
    inspection = phone("F2LXK0AAAAAA", IMEI)
    view.done("A-2", inspection)
    view.unplug("A-2")
    document = check_json("serve-board", client.get("/api/board?lang=en").text)
    assert [port["port"] for port in document["ports"]] == ["A-1", "A-2", "A-10"]
    tile = document["ports"][1]
    assert tile["phone"]["model"] == "iPhone 13" and tile["phone"]["serial"] == "F2LXK0AAAAAA"
    assert tile["phone"]["imei"] == IMEI and tile["inspection_id"] == inspection.id
    assert tile["levels"] == {
        "retail": "SELLABLE_WITH_DISCLOSURE",
        "flea_market": "SELLABLE_WITH_DISCLOSURE",
        "parts": "SELLABLE_WITH_DISCLOSURE",
    }
    assert tile["first_reason"] == {"code": "battery_unknown", "text": "battery not measured"}
    assert tile["attached"] is False and tile["stage_words"] == "unplugged"
    assert document["ports"][0]["phone"] is None and document["ports"][0]["stage"] == "free"
    assert document["footer"]["counts"]["SELLABLE_WITH_DISCLOSURE"] == 1


def test_the_queue_offers_the_form_that_finishes_each_item(view: FakeView, client: TestClient) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, unanswered=Carrier.DOCOMO, battery=91.0)
    view.done("A-1", held)
    page = client.get("/queue?lang=en")
    assert "carrier did not answer" in page.text
    assert f'action="/phones/{held.id}/record"' in page.text
    assert 'name="carrier"' in page.text and 'accept="image/png,image/jpeg"' in page.text
    queue = check_json("serve-queue", client.get("/api/queue?lang=en").text)
    assert [task["record"] for task in queue["tasks"]] == ["mark"]
    assert queue["tasks"][0]["inspection_id"] == held.id


def test_recording_a_mark_with_a_screenshot_judges_the_phone_again(
    view: FakeView, client: TestClient
) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, unanswered=Carrier.DOCOMO, battery=91.0)
    view.done("A-1", held)
    assert held.verdicts["retail"].level.value == "HOLD"
    shot = PNG + b"\x00" * 64
    answer = client.post(
        f"/api/phones/{held.id}/record?lang=en",
        data={"fact": "mark", "carrier": "docomo", "mark": "−", "csrf": token(client)},
        files={"evidence": ("shot.png", shot, "image/png")},
    )
    assert answer.status_code == 200, answer.text
    document = check_json("serve-recorded", answer.text)
    assert document["levels"]["retail"] == "SELLABLE"
    assert document["evidence_sha256"] == hashlib.sha256(shot).hexdigest()
    assert view.recorded == [(held.id, "mark", ["docomo", "−"], "tester", shot)]
    board = client.get("/api/board").json()
    assert board["ports"][0]["levels"]["retail"] == "SELLABLE"  # the board follows


def test_a_post_without_the_session_token_is_refused(view: FakeView, client: TestClient) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, battery=None)
    view.done("A-1", held)
    client.get("/")
    for path in (
        f"/api/phones/{held.id}/record",
        f"/phones/{held.id}/record",
        "/rechecks",
        "/logout",
        "/login",
    ):
        refused = client.post(path, data={"fact": "battery", "value": "88"})
        assert refused.status_code == 403, path
        wrong = client.post(path, data={"fact": "battery", "value": "88", "csrf": "0" * 64})
        assert wrong.status_code == 403, path
    other = TestClient(client.app, base_url="http://127.0.0.1")
    foreign = client.post(  # a token from another session is not this one's
        f"/api/phones/{held.id}/record", data={"fact": "battery", "value": "88", "csrf": token(other)}
    )
    assert foreign.status_code == 403
    assert view.recorded == []
    accepted = client.post(
        f"/api/phones/{held.id}/record",
        json={"fact": "battery", "values": ["88"]},
        headers={"X-CSRF-Token": token(client)},
    )
    assert accepted.status_code == 200 and view.recorded[0][1:4] == ("battery", ["88"], "tester")


def test_a_form_goes_back_to_the_queue_and_a_wrong_value_is_said(view: FakeView, client: TestClient) -> None:
    held = phone("F2LXK0BBBBBB", IMEI)
    view.done("A-1", held)
    csrf = token(client)
    done = client.post(f"/phones/{held.id}/record", data={"fact": "battery", "value": "88", "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/queue"
    again = view.board().tiles[0].inspection_id
    wrong = client.post(
        f"/phones/{again}/record?lang=en", data={"fact": "battery", "value": "lots", "csrf": csrf}
    )
    assert wrong.status_code == 422 and "lots" in wrong.text and "percentage" in wrong.text
    unknown = client.post(
        f"/api/phones/{again}/record", data={"fact": "colour", "value": "red", "csrf": csrf}
    )
    assert unknown.status_code == 422
    assert check_json("serve-refused", unknown.text)["error"]["code"] == "web.not_a_fact"
    missing = client.post("/api/phones/nothing/record", data={"fact": "battery", "value": "80", "csrf": csrf})
    assert missing.status_code == 404


def test_only_a_png_or_jpeg_within_the_limit_is_taken(view: FakeView, site: Site, client: TestClient) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, unanswered=Carrier.DOCOMO, battery=91.0)
    view.done("A-1", held)
    csrf = token(client)
    site.upload_limit = 1024

    def send(name: str, body: bytes, kind: str) -> int:
        return client.post(
            f"/api/phones/{held.id}/record",
            data={"fact": "mark", "carrier": "docomo", "mark": "○", "csrf": csrf},
            files={"evidence": (name, body, kind)},
        ).status_code

    assert send("shot.gif", b"GIF89a" + b"\x00" * 32, "image/png") == 422  # what it is, not what it claims
    assert send("page.html", b"<script>alert(1)</script>", "image/png") == 422
    assert send("big.png", PNG + b"\x00" * 2048, "image/png") == 422
    assert send("huge.png", PNG + b"\x00" * (FORM_OVERHEAD + 4096), "image/png") == 413
    assert view.recorded == []
    assert send("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg") == 200


def test_every_response_carries_the_security_headers_and_a_strict_cookie(client: TestClient) -> None:
    for path in ("/", "/queue", "/api/board", "/static/tenken.js", "/phones/none"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
    fresh = TestClient(client.app, base_url="http://127.0.0.1").get("/")
    cookie = fresh.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "<script>" not in fresh.text and " on" not in re.sub(r"\s+", " ", fresh.text).replace(" one", "")


def test_only_the_host_names_served_are_answered(client: TestClient) -> None:
    rebound = client.get("/api/board", headers={"Host": "attacker.example:8765"})
    assert rebound.status_code == 400


def test_a_hostile_phone_is_shown_as_text(view: FakeView, client: TestClient) -> None:
    hostile = f'<img src=x onerror="alert(1)"><script>alert(2)</script>{MARKUP}{ESCAPES}'
    inspection = phone("F2LXK0CCCCCC", IMEI, model=hostile)
    view.done("A-1", inspection)
    for path in ("/", f"/phones/{inspection.id}", "/queue", f"/search?q={IMEI}"):
        page = client.get(path).text
        assert "<img" not in page and "<script>alert" not in page, path
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page, path
        assert "\x1b" not in page and "\\x1b]0;pwned\\x07" in page, path
    document = client.get("/api/board").content
    assert b"\x9b" not in document and b"\\u009b" in document  # JSON: the C1 control escaped
    shown = json.loads(client.get("/api/board").text)["ports"][0]["phone"]["words"]
    assert "\x1b" not in shown and "\\x1b]0;pwned\\x07" in shown  # the words as the first render shows them


def test_a_bidi_override_in_a_phone_string_is_shown_as_an_escape_in_every_update(
    view: FakeView, client: TestClient
) -> None:
    view.done("A-1", phone("F2LXK0CCCCCC", IMEI, model="iPhone\u202e31 enohPi"))
    document = json.loads(client.get("/api/board").text)
    assert document["ports"][0]["phone"]["words"].startswith("iPhone\\x202e")
    assert "\u202e" not in client.get("/").text


def test_the_phone_page_shows_facts_verdicts_and_answers(view: FakeView, client: TestClient) -> None:
    inspection = phone("F2LXK0AAAAAA", IMEI, battery=76.0)
    view.done("A-2", inspection)
    page = client.get(f"/phones/{inspection.id}?lang=en").text
    assert "battery below 80" in page.lower() or "80 %" in page
    assert "measured" in page and "F2LXK0AAAAAA" in page
    assert "2026-12-01 10:00 JST" in page  # times in Japan time
    assert '<span class="via">automatic look-up</span>' in page  # how each answer was obtained
    assert '<span class="via">自動照会</span>' in client.get(f"/phones/{inspection.id}?lang=ja").text
    assert client.get("/phones/unknown-id").status_code == 404


def test_login_when_served_beyond_this_machine(view: FakeView, site: Site) -> None:
    site.login = True
    site.accounts = Users({"kana": hash_password("correct horse")})
    with TestClient(create_app(site), base_url="http://127.0.0.1", follow_redirects=False) as client:
        assert client.get("/").headers["location"] == "/login"
        assert client.get("/api/board").status_code == 401
        assert client.get("/events").status_code == 401
        csrf = token(client, "/login")
        wrong = client.post("/login", data={"user": "kana", "password": "wrong", "csrf": csrf})
        assert wrong.status_code == 401
        nobody = client.post("/login", data={"user": "nobody", "password": "correct horse", "csrf": csrf})
        assert nobody.status_code == 401
        right = client.post("/login", data={"user": "kana", "password": "correct horse", "csrf": csrf})
        assert right.status_code == 303 and "HttpOnly" in right.headers["set-cookie"]
        assert client.get("/").status_code == 200
        held = phone("F2LXK0BBBBBB", IMEI)
        view.done("A-1", held)
        client.post(
            f"/phones/{held.id}/record", data={"fact": "battery", "value": "90", "csrf": token(client)}
        )
        assert view.recorded[0][3] == "kana"  # who recorded it: the user logged in


def test_the_page_is_small_and_fetches_nothing_from_outside(view: FakeView, client: TestClient) -> None:
    """docs/serve.md: about 15 KB with its stylesheet and script, under 1 KB more per tile; no URL
    outside the station (no CDN, no web font)."""
    empty = client.get("/").content
    assets = [client.get(path).content for path in ("/static/style.css", "/static/tenken.js")]
    assert len(empty) + sum(len(asset) for asset in assets) < 16_000
    for number in range(20):
        view.done(f"B-{number}", phone(f"F2LXK0{number:06d}", IMEI, battery=90.0))
    full = client.get("/").content
    assert (len(full) - len(empty)) / 20 < 1024
    for text in (full, *assets):
        assert not re.search(rb"(?:https?:)?//[\w.-]+", text.replace(b"http://www.w3.org", b""))


class Kept:
    """web.sources.Records of the tests' own: a store that holds the given inspections and pages."""

    def __init__(self, inspections: Sequence[Inspection], pages: Mapping[str, Page]) -> None:
        self.inspections = {inspection.id: inspection for inspection in inspections}
        self.pages = dict(pages)
        self.rechecked = 0
        self.issued: list[tuple[str, str, bool]] = []
        self.labelled: list[tuple[str, str]] = []

    def inspection(self, inspection_id: str) -> Inspection | None:
        return self.inspections.get(inspection_id)

    def history(self, inspection: Inspection) -> Sequence[Inspection]:
        serial = inspection.facts.serial.value
        return [each for each in self.inspections.values() if each.facts.serial.value == serial]

    def search(self, text: str) -> Sequence[Inspection]:
        return [each for each in self.inspections.values() if text in (each.facts.imei.value, each.stock_no)]

    def page(self, inspection_id: str, record_id: str) -> Page | None:
        return self.pages.get(record_id) if inspection_id in self.inspections else None

    def due(self) -> Sequence[Due]:
        return [
            Due(each.id, IMEI, Carrier.DOCOMO, Outcome.PENDING, each.started_at)
            for each in self.inspections.values()
        ]

    async def recheck(self) -> int:
        self.rechecked += 1
        return len(self.inspections)

    async def label(self, inspection_id: str, lang: str) -> Page:
        if inspection_id not in self.inspections:
            raise NotFound(inspection_id)
        self.labelled.append((inspection_id, lang))
        return Page(b"%PDF-1.7 label", "application/pdf", "0" * 64)

    async def certificate(self, inspection_id: str, by: str, pdf: bool) -> Page:
        if inspection_id not in self.inspections:
            raise NotFound(inspection_id)
        self.issued.append((inspection_id, by, pdf))
        body = b"%PDF-1.7" if pdf else "<html><style>p{}</style><p>点検証明書</p></html>".encode()
        return Page(body, "application/pdf" if pdf else "text/html; charset=utf-8", "0" * 64)


HOSTILE_PAGE = (
    b"<html><body><script>alert(1)</script><form action=http://127.0.0.1:9/><p>\xe2\x97\x8b</p></body></html>"
)


def test_a_carriers_page_is_served_only_sandboxed(site: Site) -> None:
    stored = phone("F2LXK0EEEEEE", IMEI)
    record_id = stored.asked[0].result.record_id  # type: ignore[union-attr]
    site.records = Kept([stored], {record_id: Page(HOSTILE_PAGE, "text/html; charset=utf-8", "0" * 64)})
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        shown = client.get(f"/evidence/{stored.id}/{record_id}")
        assert shown.status_code == 200 and shown.content == HOSTILE_PAGE
        csp = shown.headers["content-security-policy"]
        assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "allow-scripts" not in csp
        assert client.get(f"/evidence/{stored.id}/other").status_code == 404
        page = client.get(f"/phones/{stored.id}").text  # from the store: not on the board
        assert f'href="/evidence/{stored.id}/{record_id}"' in page


def test_search_and_the_recheck_queue_read_the_store(view: FakeView, site: Site) -> None:
    on_board = phone("F2LXK0AAAAAA", "354178036859789")
    view.done("A-1", on_board)
    stored = replace(phone("F2LXK0EEEEEE", IMEI), stock_no="STK-0042")
    kept = Kept([stored], {})
    site.records = kept
    with TestClient(create_app(site), base_url="http://127.0.0.1", follow_redirects=False) as client:
        found = client.get("/search?q=STK-0042&lang=en").text
        assert f'href="/phones/{stored.id}"' in found and "1 phone(s)" in found
        assert f'href="/phones/{on_board.id}"' in client.get("/search?q=F2LXK0AAAAAA").text
        queue = client.get("/rechecks?lang=en").text
        assert "re-check these now" in queue and "docomo" in queue
        asked = client.post("/rechecks", data={"csrf": token(client)})
        assert asked.status_code == 303 and asked.headers["location"] == "/rechecks?asked=1"
        assert kept.rechecked == 1
        assert "asked the carriers again for 1 phone(s)" in client.get("/rechecks?asked=1&lang=en").text


def test_a_certificate_is_issued_by_a_post_with_the_token_and_shown_sandboxed(site: Site) -> None:
    stored = phone("F2LXK0EEEEEE", IMEI)
    kept = Kept([stored], {})
    site.records = kept
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        page = client.get(f"/phones/{stored.id}?lang=en").text
        assert f'action="/phones/{stored.id}/certificate"' in page
        refused = client.post(f"/phones/{stored.id}/certificate", data={"format": "html"})
        assert refused.status_code == 403 and kept.issued == []
        shown = client.post(
            f"/phones/{stored.id}/certificate", data={"format": "html", "csrf": token(client)}
        )
        assert shown.status_code == 200 and "点検証明書" in shown.text
        assert shown.headers["content-security-policy"].startswith("sandbox;")
        pdf = client.post(f"/phones/{stored.id}/certificate", data={"format": "pdf", "csrf": token(client)})
        assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
        missing = client.post("/phones/nothing/certificate", data={"format": "pdf", "csrf": token(client)})
        assert missing.status_code == 404
    assert kept.issued == [(stored.id, "tester", False), (stored.id, "tester", True)]


def test_a_mark_not_chosen_records_nothing(site: Site, view: FakeView) -> None:
    held = phone("F2LXK0CCCCCC", IMEI, unanswered=Carrier.DOCOMO)
    view.done("A-1", held)
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        page = client.get("/queue?lang=en").text
        assert 'name="mark" value="○"' in page and "<select id" not in page.split('name="mark"')[0][-200:]
        refused = client.post(
            f"/phones/{held.id}/record",
            data={"fact": "mark", "carrier": "docomo", "mark": "", "imei": IMEI, "csrf": token(client)},
        )
        assert refused.status_code == 422
    assert view.recorded == []


def test_the_phones_label_is_made_by_a_post_with_the_token(site: Site) -> None:
    stored = phone("F2LXK0EEEEEE", IMEI)
    kept = Kept([stored], {})
    site.records = kept
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        assert f'action="/phones/{stored.id}/label"' in client.get(f"/phones/{stored.id}").text
        assert client.post(f"/phones/{stored.id}/label").status_code == 403
        made = client.post(f"/phones/{stored.id}/label?lang=en", data={"csrf": token(client)})
        assert made.content.startswith(b"%PDF") and "attachment" in made.headers["content-disposition"]
        assert client.post("/phones/nothing/label", data={"csrf": token(client)}).status_code == 404
    assert kept.labelled == [(stored.id, "en")]
