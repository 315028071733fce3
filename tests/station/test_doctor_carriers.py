"""`tenken doctor --carriers` against the carrier simulator over HTTP (never a real site): each checker page
loaded once, no IMEI sent, read against the shape the look-ups read, and what that means for the day."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tenken.facts import Carrier
from tenken.lookups.client import DEFAULT_USER_AGENT
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.carriers.pages import docomo_top
from tests.conftest import fast_env, run_cli

IMEI = "490154203237518"
PAGES = {
    "/top.php": "docomo",
    "/cmn/WCV009001/WCE009001.hc": "au",
    "/WBF/icv": "softbank",
    "/restriction/": "rakuten",
}
READY = {"docomo": "ready", "au": "ready", "softbank": "ready", "rakuten": "experimental"}
JST_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST")


def doctor(environ: dict[str, str], *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(["doctor", "--carriers", "--json", *extra], environ)
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == result.exit_code and payload["ok"] is (result.exit_code == 0)
    return result.exit_code, {site["carrier"]: site for site in payload["sites"]}


def assert_no_imei_sent(simulator: CarrierSimulator, pages: frozenset[str] = frozenset(PAGES)) -> None:
    """Each checker page asked once, by GET, with nothing submitted and no IMEI anywhere in the request."""
    seen = simulator.seen
    assert sorted(request.path for request in seen) == sorted(pages)
    for request in seen:
        assert request.method == "GET" and request.form == {}
        assert not re.search(r"\d{14,}", request.path)
        assert request.user_agent == DEFAULT_USER_AGENT


def test_normal_pages_are_ready_and_nothing_is_submitted(
    carrier_sim: CarrierSimulator, tmp_path: Path
) -> None:
    environ = fast_env(carrier_sim, tmp_path)
    code, sites = doctor(environ)
    assert code == 0
    # Rakuten's JSON endpoint needs an IMEI: it is never checked, and its page is a JavaScript app.
    assert {carrier: site["state"] for carrier, site in sites.items()} == READY
    docomo = sites["docomo"]
    assert docomo["found"]["params"] == {"action": "/search.php", "field": "productno", "hidden": []}
    assert docomo["means"]["text"] == "look-ups will be automatic"
    assert docomo["not_checked"] == ["div.result-panel"]
    page = docomo_top(False).encode("cp932")  # the evidence is the page as it came
    assert docomo["fetched"]["sha256"] == hashlib.sha256(page).hexdigest()
    assert docomo["fetched"]["bytes"] == len(page) and docomo["fetched"]["http_status"] == 200
    assert docomo["fetched"]["url"] == f"{carrier_sim.origin}/top.php"
    assert sites["softbank"]["found"]["params"]["hidden"] == [
        "_ActionID",
        "_ControlID",
        "_DataStoreID",
        "_PageID",
        "_TokenID",
    ]
    assert_no_imei_sent(carrier_sim)

    run_cli(["lookup", "--carrier", "docomo", IMEI], environ)  # the look-up's client, for comparison
    assert carrier_sim.seen[-1].form == {"productno": IMEI}
    assert {request.user_agent for request in carrier_sim.seen} == {DEFAULT_USER_AGENT}


def test_the_screen_shows_what_was_fetched_in_english_and_japanese(
    carrier_sim: CarrierSimulator, tmp_path: Path
) -> None:
    carrier_sim.set_fault(Carrier.AU, "waf")
    environ = {**fast_env(carrier_sim, tmp_path), "COLUMNS": "400"}
    english = run_cli(["--lang", "en", "doctor", "--carriers"], environ)
    japanese = run_cli(["--lang", "ja", "doctor", "--carriers"], environ)
    assert english.exit_code == japanese.exit_code == 2
    au_row = next(
        line for line in english.stdout.splitlines() if line.startswith("au ") and "refused" in line
    )
    assert "refused to programs — look-ups will be hand-offs" in au_row
    assert "HTTP 403" in au_row
    assert "Fetched (the evidence of this check; no IMEI was sent)" in english.stdout
    assert "プログラムからのアクセスを拒否しています。照会は手動確認になります" in japanese.stdout
    assert "取得したページ（この確認の証拠。IMEIは送信していません）" in japanese.stdout
    for screen in (english.stdout, japanese.stdout):
        for path in PAGES:
            line = next(line for line in screen.splitlines() if f"{carrier_sim.origin}{path} " in line)
            assert re.search(r" (200|403) +\d+ +[0-9a-f]{64} +", line), line  # status, size, sha256
            assert JST_MINUTE.search(line), line
    assert "div.result-panel" in english.stdout  # said plainly: the answer's place is not checked


@pytest.mark.parametrize(
    ("carrier", "fault", "state", "code"),
    [
        (Carrier.DOCOMO, "captcha", "captcha", 2),
        (Carrier.AU, "waf", "refused", 2),
        (Carrier.DOCOMO, "js-only", "javascript", 2),
        (Carrier.SOFTBANK, "changed", "changed", 1),
        (Carrier.AU, "changed", "changed", 1),
        (Carrier.DOCOMO, "changed", "changed", 1),
        (Carrier.SOFTBANK, "503", "unreachable", 3),
        (Carrier.AU, "maintenance", "maintenance", 3),
        (Carrier.RAKUTEN, "waf", "refused", 2),
    ],
)
def test_what_stands_in_front_of_programs_is_named(
    carrier_sim: CarrierSimulator, tmp_path: Path, carrier: Carrier, fault: str, state: str, code: int
) -> None:
    carrier_sim.set_fault(carrier, fault)
    exit_code, sites = doctor(fast_env(carrier_sim, tmp_path))
    assert exit_code == code
    assert sites[carrier.value]["state"] == state
    others = {name: site["state"] for name, site in sites.items() if name != carrier.value}
    assert others == {name: READY[name] for name in others}
    assert_no_imei_sent(carrier_sim)  # once each: a 503 is not asked again


def test_a_changed_form_names_what_it_lacks(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    carrier_sim.set_fault(Carrier.DOCOMO, "changed")
    _code, sites = doctor(fast_env(carrier_sim, tmp_path))
    docomo = sites["docomo"]
    assert docomo["missing"] == ["productno"]
    assert docomo["found"]["text"] == "the form lacks what tenken fills in or copies: productno"
    assert docomo["means"]["code"] == "doctor.day.changed"


def test_a_site_down_is_unreachable_and_a_site_switched_off_is_not_contacted(
    carrier_sim: CarrierSimulator, tmp_path: Path
) -> None:
    environ = {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_LOOKUP_SOFTBANK_ORIGIN": "http://127.0.0.1:9",  # nothing listens there
        "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false",
    }
    code, sites = doctor(environ)
    assert code == 3
    softbank = sites["softbank"]
    assert softbank["state"] == "unreachable" and softbank["fetched"] is None
    assert softbank["found"]["code"] == "doctor.site.unreachable"
    assert sites["rakuten"]["state"] == "off" and sites["rakuten"]["fetched"] is None
    assert_no_imei_sent(carrier_sim, frozenset({"/top.php", "/cmn/WCV009001/WCE009001.hc"}))


def test_hand_offs_come_first_in_the_exit_code(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """2 (hand-offs) before 1 (a page changed) before 3 (a site down)."""
    carrier_sim.set_fault(Carrier.DOCOMO, "503")
    carrier_sim.set_fault(Carrier.SOFTBANK, "changed")
    environ = fast_env(carrier_sim, tmp_path)
    assert doctor(environ)[0] == 1
    carrier_sim.set_fault(Carrier.AU, "waf")
    assert doctor(environ)[0] == 2


@pytest.mark.parametrize(
    ("carrier", "fault", "state", "outcome"),
    [
        (Carrier.DOCOMO, "captcha", "captcha", "captcha_required"),
        (Carrier.AU, "waf", "refused", "needs_browser"),
        (Carrier.SOFTBANK, "changed", "changed", "parse_error"),
    ],
)
def test_the_doctor_and_the_look_up_agree(
    carrier_sim: CarrierSimulator, tmp_path: Path, carrier: Carrier, fault: str, state: str, outcome: str
) -> None:
    """What the doctor foretells is what the look-up then gets: never a mark, never cached."""
    carrier_sim.set_fault(carrier, fault)
    environ = fast_env(carrier_sim, tmp_path)
    assert doctor(environ)[1][carrier.value]["state"] == state
    found = run_cli(["lookup", "--carrier", carrier.value, IMEI, "--json"], environ)
    assert found.exit_code == 3
    [answer] = json.loads(found.stdout)["imeis"][0]["results"]
    assert answer["outcome"] == outcome and answer["mark"] is None


def test_a_redirect_off_the_origin_is_not_followed(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """A form page that sends the client to another origin: refused as the look-ups refuse it."""
    asked: list[str] = []

    class Away(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(f"{self.headers.get('Host')}{self.path}")
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/top.php")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    with ThreadingHTTPServer(("127.0.0.1", 0), Away) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            code, sites = doctor({**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_DOCOMO_ORIGIN": origin})
        finally:
            server.shutdown()
    docomo = sites["docomo"]
    assert code == 1 and docomo["state"] == "redirected"
    assert docomo["found"]["params"]["target"] == f"http://localhost:{origin.rsplit(':', 1)[1]}/top.php"
    assert docomo["fetched"]["http_status"] == 302  # the redirect is the evidence
    assert docomo["means"]["text"].endswith("check lookup.docomo.origin, or check by hand")
    assert asked == [f"127.0.0.1:{origin.rsplit(':', 1)[1]}/top.php"]  # not followed


def test_the_schema_names_every_state() -> None:
    from tenken.lookups.shape import PageState
    from tenken.report.schema import CarrierPageDoc

    assert set(typing.get_args(typing.get_type_hints(CarrierPageDoc)["state"])) == {
        state.value for state in PageState
    }


def test_each_request_is_booked_in_the_fleets_turns(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """The same spacing as the look-ups, shared through the database with every station on it."""
    import sqlite3
    import time

    environ = {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_SPACING": "0.01"}
    before = time.time()
    assert doctor(environ)[0] == 0
    with sqlite3.connect(tmp_path / "tenken.sqlite3") as database:
        booked = dict(database.execute("SELECT site, next_at FROM site_turns").fetchall())
    assert set(booked) == {carrier.value for carrier in Carrier}
    assert all(next_at >= before + 0.01 for next_at in booked.values())


def test_the_shape_names_a_missing_token_button_and_cookie() -> None:
    """The parts of the declared form the simulator's faults do not take away, read off real pages."""
    from tenken.lookups.docomo import SHAPE as DOCOMO
    from tenken.lookups.shape import PageState, read_page
    from tenken.lookups.softbank import SHAPE as SOFTBANK
    from tenken.sim.carriers.pages import softbank_form

    url = "http://127.0.0.1:8080/WBF/icv"
    whole = softbank_form("0123456789abcdef", False).encode()
    assert read_page(SOFTBANK, 200, whole, "text/html", url).state is PageState.READY
    stripped = whole.replace(b'name="_PageID"', b'name="_Page"').replace(b'name="ACT_TE001"', b'name="go"')
    reading = read_page(SOFTBANK, 200, stripped, "text/html", url)
    assert reading.state is PageState.CHANGED and reading.missing == ("_PageID", "ACT_TE001")

    top = docomo_top(False).encode("cp932")
    url = "http://127.0.0.1:8080/top.php"
    assert read_page(DOCOMO, 200, top, "text/html", url, cookies=["PHPSESSID"]).state is PageState.READY
    without_session = read_page(DOCOMO, 200, top, "text/html", url, cookies=[])
    assert without_session.missing == ("cookie PHPSESSID",)
