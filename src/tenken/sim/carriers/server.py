"""The four carriers' network-restriction checkers, simulated on 127.0.0.1 at their real paths.

Pages follow ../shared/docs/carriers-jp.md (pages.py); which mark an IMEI gets comes from the rules
(rules.py); fault modes make a site misbehave the ways real sites do.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tenken.facts import Carrier, Outcome
from tenken.imei import is_valid_imei
from tenken.sim.carriers.pages import (
    CAPTCHA_ALPHABET,
    CAPTCHA_FAILED,
    CAPTCHA_LENGTH,
    HOSTILE,
    JS_ONLY,
    MAINTENANCE,
    RAKUTEN_STATUS,
    RAKUTEN_TOKEN_HEADER,
    WAF_COOKIE,
    au_form,
    au_result,
    captcha_png,
    docomo_captcha_top,
    docomo_result,
    docomo_top,
    index_page,
    page,
    rakuten_app,
    softbank_form,
    softbank_result,
    waf_challenge,
)
from tenken.sim.carriers.rules import Rules, parse_fault

AWAY_HOST = "localhost"  # the simulator under another name: another origin than http://127.0.0.1:PORT


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _html(
    text: str, charset: str = "utf-8", status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    encoding = "cp932" if charset.lower() == "shift_jis" else charset
    return Reply(status, text.encode(encoding), f"text/html; charset={charset}", headers or {})


def _json(payload: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode(), "application/json")


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as it arrived (the simulator's request log): what a client sent, and as whom."""

    method: str
    path: str
    form: dict[str, str]
    user_agent: str


class CarrierSimulator:
    """The HTTP server and its state. Thread-safe; usable as a context manager in tests."""

    def __init__(
        self, rules: Rules | None = None, host: str = "127.0.0.1", port: int = 0, *, latency: float = 0.0
    ) -> None:
        self.rules = rules or Rules()
        self.latency = latency  # seconds each answer of a carrier's site takes (a real one: a few tenths)
        self._lock = threading.Lock()
        self._sessions: dict[tuple[Carrier, str], str] = {}  # (site, cookie value) → form token
        self._captchas: dict[str, str] = {}  # docomo session → the code its last form's image shows
        self._passed: set[str] = set()  # bot-check cookies the challenge's script set
        self._page_tokens: set[str] = set()  # tokens Rakuten's app page handed its script
        self.hits: Counter[str] = Counter()  # carrier → requests served
        self.arrivals: dict[str, list[float]] = {}  # carrier → time.monotonic() of each request
        self.seen: list[Seen] = []  # every request, in order of arrival
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def env(self) -> dict[str, str]:
        """TENKEN_LOOKUP_<CARRIER>_ORIGIN for every carrier, pointing here."""
        return {f"TENKEN_LOOKUP_{carrier.name}_ORIGIN": self.origin for carrier in Carrier}

    def set_fault(self, carrier: Carrier, mode: str | None) -> None:
        with self._lock:
            if mode is None:
                self.rules.faults.pop(carrier, None)
            else:
                self.rules.faults[carrier] = parse_fault(mode, "set_fault")

    def note(self, request: Seen) -> None:
        """Keep a request in the log (`seen`): tests check what a client sent."""
        with self._lock:
            self.seen.append(request)

    def start(self) -> CarrierSimulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="carrier-sim", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self.close()

    def close(self) -> None:
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> CarrierSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ routing

    def handle(
        self,
        method: str,
        path: str,
        cookies: SimpleCookie,
        form: dict[str, str],
        host: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        if host and self.away_host(host):
            return _away_answer(path)
        carrier = carrier_of(path)
        if carrier is None:
            return _html(
                page("tenken carrier simulator", index_page(self.origin)), status=200 if path == "/" else 404
            )
        asked = form.get("productno") or form.get("imei") or form.get("IMEI")
        if carrier is Carrier.RAKUTEN:
            asked = path.rsplit("/", 1)[-1]
        with self._lock:
            self.hits[carrier.value] += 1
            self.arrivals.setdefault(carrier.value, []).append(time.monotonic())
            fault = self.rules.fault_for(carrier, asked)
        if self.latency > 0:
            time.sleep(self.latency)
        if fault == "slow":
            time.sleep(self.rules.slow_seconds)
        elif fault == "503":
            return _html(MAINTENANCE, status=503)
        elif fault == "429":
            return _html(
                page("Too Many Requests", "<p>Too Many Requests</p>"),
                status=429,
                headers={"Retry-After": "1"},
            )
        elif fault == "maintenance":
            return _html(MAINTENANCE)
        elif fault == "js-only" and carrier is not Carrier.RAKUTEN:
            return _html(JS_ONLY)
        elif fault == "waf" and not self._passed_waf(cookies):
            return self._challenge()
        if fault == "captcha" and carrier is Carrier.DOCOMO:
            return self._docomo_captcha(method, path, cookies, form)
        if fault == "captcha" and method == "POST":
            return _html(CAPTCHA_FAILED)
        asks_api = path.startswith("/restriction/eir/")
        if fault == "browser_only" and asks_api and not self._from_page(headers or {}):
            return _json({"error": "NOT_FOUND"}, status=404)  # what tenken reads as needs_browser
        if fault == "hostile" and (method == "POST" or carrier is Carrier.RAKUTEN):
            return _html(HOSTILE)  # where the answer is due; UTF-8 even for docomo: Shift_JIS has no C1
        reply = self._reply(carrier, method, path, cookies, form, fault)
        return self._spoil(carrier, reply, fault, form, path)

    def _reply(
        self,
        carrier: Carrier,
        method: str,
        path: str,
        cookies: SimpleCookie,
        form: dict[str, str],
        fault: str | None,
    ) -> Reply:
        if carrier is Carrier.DOCOMO:
            return self._docomo(method, path, cookies, form, fault)
        if carrier is Carrier.AU:
            return self._au(method, path, cookies, form, fault)
        if carrier is Carrier.SOFTBANK:
            return self._softbank(method, cookies, form, fault)
        return self._rakuten(path, fault)

    # ------------------------------------------------------------------ answers that are not answers

    def away_host(self, host: str) -> bool:
        """A request that came to the simulator under another name than its origin's (localhost for
        127.0.0.1): another origin, where `redirect-away` sends the result."""
        return host.split(":")[0] == AWAY_HOST

    def _spoil(
        self, carrier: Carrier, reply: Reply, fault: str | None, form: dict[str, str], path: str
    ) -> Reply:
        """The hostile faults, applied to the real answer (the POST's page; Rakuten's JSON)."""
        answer = bool(form) or carrier is Carrier.RAKUTEN
        if fault is None or not answer or reply.status != 200:
            return reply
        asked = form.get("productno") or form.get("imei") or form.get("IMEI") or path.rsplit("/", 1)[-1]
        if fault == "other-imei" and carrier is not Carrier.RAKUTEN:
            other = "354178036859789" if asked != "354178036859789" else "490154203237518"
            return Reply(200, reply.body.replace(asked.encode(), other.encode()), reply.content_type)
        if fault == "not-found-status":
            return Reply(404, reply.body, reply.content_type)
        if fault == "redirect-away":
            port = self._server.server_address[1]
            target = f"http://{AWAY_HOST}:{port}/result/{carrier.value}/{asked}"
            return Reply(303, b"", "text/html", {"Location": target})
        if fault == "mark-in-sentence" and carrier is Carrier.AU:
            status = '<p class="list_heading">状態</p><p class="list_details">'
            sentence = reply.body.decode().replace(status, status + "○ではありません。", 1)
            return Reply(200, sentence.encode(), reply.content_type)
        if fault == "duplicate-keys" and carrier is Carrier.RAKUTEN:
            return Reply(200, b'{"status": 2, "status": 0}', "application/json")
        if fault == "error-beside-status" and carrier is Carrier.RAKUTEN:
            return Reply(200, b'{"status": 0, "error": "NOT_FOUND"}', "application/json")
        if fault == "huge":
            padding = b"<!-- " + b"x" * (30 * 1024 * 1024) + b" -->"
            return Reply(200, reply.body + padding, reply.content_type)
        return reply

    # ------------------------------------------------------------------ obstacles in front of programs

    def _passed_waf(self, cookies: SimpleCookie) -> bool:
        morsel = cookies.get(WAF_COOKIE)
        with self._lock:
            return morsel is not None and morsel.value in self._passed

    def _challenge(self) -> Reply:
        """HTTP 403 "Forbidden" with the script that sets the cookie the bot check wants and reloads."""
        token = secrets.token_hex(12)
        with self._lock:
            self._passed.add(token)
        return _html(waf_challenge(token), status=403)

    def _from_page(self, headers: Mapping[str, str]) -> bool:
        """Whether Rakuten's endpoint was asked by the page's own script: its headers and a token the
        page handed out."""
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            known = lowered.get(RAKUTEN_TOKEN_HEADER.lower(), "") in self._page_tokens
        return known and lowered.get("x-requested-with") == "XMLHttpRequest"

    def _docomo_captcha(self, method: str, path: str, cookies: SimpleCookie, form: dict[str, str]) -> Reply:
        """docomo with its image CAPTCHA: each load of the form draws a new code, the image shows it, and
        the search answers only with that code typed (once)."""
        if path.startswith("/gifcat/"):
            with self._lock:
                morsel = cookies.get("PHPSESSID")
                code = self._captchas.get(morsel.value) if morsel is not None else None
            if code is None:
                return Reply(404, b"", "image/png")
            return Reply(200, captcha_png(code), "image/png", {"Cache-Control": "no-store"})
        if method == "GET":
            session, _token, new = self._session(Carrier.DOCOMO, cookies, "PHPSESSID")
            code = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
            with self._lock:
                self._captchas[session] = code
            headers = {"Set-Cookie": f"PHPSESSID={session}; path=/"} if new else {}
            return _html(docomo_captcha_top(secrets.token_hex(4)), "Shift_JIS", headers=headers)
        morsel = cookies.get("PHPSESSID")
        with self._lock:
            code = self._captchas.pop(morsel.value, None) if morsel is not None else None
        typed = form.get("attestationkey", "").strip().upper()
        if code is None or typed != code:
            return _html(CAPTCHA_FAILED)
        return self._docomo(method, path, cookies, form, None)

    def _session(self, site: Carrier, cookies: SimpleCookie, name: str) -> tuple[str, str, bool]:
        """(session id, form token, new?) for the request's cookie, creating a session if needed."""
        with self._lock:
            morsel = cookies.get(name)
            if morsel is not None and (site, morsel.value) in self._sessions:
                return morsel.value, self._sessions[site, morsel.value], False
            session, token = secrets.token_hex(16), secrets.token_hex(8)
            self._sessions[site, session] = token
            return session, token, True

    def _known_session(self, site: Carrier, cookies: SimpleCookie, name: str) -> str | None:
        """The form token of the request's session, or None when the cookie is missing or unknown."""
        with self._lock:
            morsel = cookies.get(name)
            return self._sessions.get((site, morsel.value)) if morsel is not None else None

    def _docomo(
        self, method: str, path: str, cookies: SimpleCookie, form: dict[str, str], fault: str | None
    ) -> Reply:
        if path == "/top.php" or method == "GET":
            session, _token, new = self._session(Carrier.DOCOMO, cookies, "PHPSESSID")
            headers = {"Set-Cookie": f"PHPSESSID={session}; path=/"} if new else {}
            return _html(docomo_top(fault == "captcha", fault == "changed"), "Shift_JIS", headers=headers)
        if self._known_session(Carrier.DOCOMO, cookies, "PHPSESSID") is None:
            return _html(
                page("エラー", "<p>セッションの有効期限が切れました。最初からやり直してください。</p>"),
                "Shift_JIS",
            )
        imei = form.get("productno", "")
        if not is_valid_imei(imei):
            return _html(page("エラー", "<p>製造番号（IMEI）を正しく入力してください。</p>"), "Shift_JIS")
        outcome = self.rules.answer(imei, Carrier.DOCOMO)
        return _html(docomo_result(imei, outcome, fault == "changed"), "Shift_JIS")

    def _au(
        self, method: str, path: str, cookies: SimpleCookie, form: dict[str, str], fault: str | None
    ) -> Reply:
        if method == "GET" or not path.endswith("WCE009002.hc"):
            session, token, new = self._session(Carrier.AU, cookies, "JSESSIONID")
            headers = {"Set-Cookie": f"JSESSIONID={session}; path=/"} if new else {}
            return _html(au_form(token, fault == "captcha", fault == "changed"), headers=headers)
        known = self._known_session(Carrier.AU, cookies, "JSESSIONID")
        if fault == "form-loop" or known is None or form.get("_csrf") != known:
            # What a scripted POST gets when the site wants its JavaScript flow: the form again.
            _session, fresh, _new = self._session(Carrier.AU, cookies, "JSESSIONID")
            return _html(au_form(fresh, False))
        imei = form.get("imei") or form.get("IMEI", "")
        if not is_valid_imei(imei):
            return _html(page("エラー", "<p>IMEI番号を正しく入力してください。</p>"))
        return _html(au_result(imei, self.rules.answer(imei, Carrier.AU), fault == "changed"))

    def _softbank(self, method: str, cookies: SimpleCookie, form: dict[str, str], fault: str | None) -> Reply:
        if method == "GET":
            session, token, new = self._session(Carrier.SOFTBANK, cookies, "JSESSIONID")
            headers = {"Set-Cookie": f"JSESSIONID={session}; path=/"} if new else {}
            return _html(softbank_form(token, fault == "captcha", fault == "changed"), headers=headers)
        known = self._known_session(Carrier.SOFTBANK, cookies, "JSESSIONID")
        expected = {
            "_PageID": "WBF001000",
            "_DataStoreID": "DSWBF100Control",
            "_ControlID": "WBF100Control",
            "_ActionID": "TE001",
            "_TokenID": known,
            "ACT_TE001": " 確 認 ",
        }
        if known is None or any(form.get(key) != value for key, value in expected.items()):
            return _html(page("エラー", "<p>不正な画面遷移です。最初からやり直してください。</p>"))
        imei = form.get("imei", "")
        if not is_valid_imei(imei):
            return _html(page("エラー", "<p>製造番号を正しく入力してください。</p>"))
        return _html(softbank_result(imei, self.rules.answer(imei, Carrier.SOFTBANK), fault == "changed"))

    def _rakuten(self, path: str, fault: str | None) -> Reply:
        prefix = "/restriction/eir/v1/rest-api/public/imei/"
        if path in ("/restriction", "/restriction/"):
            token = secrets.token_hex(12)
            with self._lock:
                self._page_tokens.add(token)
            return _html(rakuten_app(token))
        if not path.startswith(prefix):
            return _html(JS_ONLY)
        if fault == "js-only":
            return _html(JS_ONLY)
        imei = path[len(prefix) :]
        if not is_valid_imei(imei):
            return _json({"error": "INVALID_IMEI"}, status=400)
        outcome = self.rules.answer(imei, Carrier.RAKUTEN)
        if fault in ("duplicate-keys", "error-beside-status", "huge", "not-found-status", "redirect-away"):
            outcome = Outcome.OK if outcome is Outcome.NOT_FOUND else outcome  # the spoiled answer reads ○
        if fault == "changed":
            return _json({"result": {"code": RAKUTEN_STATUS.get(outcome, -1)}})
        if outcome is Outcome.NOT_FOUND:
            return _json({"error": "NOT_FOUND"}, status=404)
        return _json({"status": RAKUTEN_STATUS[outcome]})


def _away_answer(path: str) -> Reply:
    """What another origin says after `redirect-away`: a ○ page that would fool a client that follows."""
    _, _, carrier_name, imei = [*path.split("/"), "", "", "", ""][:4]
    if carrier_name == Carrier.RAKUTEN.value:
        return _json({"status": 0})
    result = {Carrier.DOCOMO.value: docomo_result, Carrier.AU.value: au_result}.get(
        carrier_name, softbank_result
    )
    charset = "Shift_JIS" if carrier_name == Carrier.DOCOMO.value else "utf-8"
    return _html(result(imei, Outcome.OK, False), charset)


def carrier_of(path: str) -> Carrier | None:
    if path in ("/top.php", "/search.php") or path.startswith("/gifcat/"):
        return Carrier.DOCOMO
    if path.startswith("/cmn/WCV009001/"):
        return Carrier.AU
    if path == "/WBF/icv":
        return Carrier.SOFTBANK
    if path.startswith("/restriction/"):
        return Carrier.RAKUTEN
    return None


def _handler_for(simulator: CarrierSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "tenken-carrier-sim"
        disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms stalls
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            form = dict(parse_qsl(raw.decode("ascii", "replace"))) if method == "POST" else {}
            cookies: SimpleCookie = SimpleCookie(self.headers.get("Cookie") or "")
            host = self.headers.get("Host") or ""
            path = urlsplit(self.path).path
            simulator.note(Seen(method, path, form, self.headers.get("User-Agent") or ""))
            reply = simulator.handle(method, path, cookies, form, host, dict(self.headers.items()))
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to tell it

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the CLI prints its own one-line summary

    return Handler
