"""The four carriers' network-restriction checkers, simulated on 127.0.0.1 at their real paths.

Pages follow ../shared/docs/carriers-jp.md: docomo in Shift_JIS with a PHPSESSID session, au's form
with hidden inputs and its `li.list_item` result list, SoftBank's WBF form and <font size="8"> mark
(▲ for △), Rakuten's experimental JSON endpoint. Which mark an IMEI gets comes from a rules file or a
deterministic default; fault modes make a site misbehave the ways real sites do.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import click

from tenken.facts import Carrier, Outcome
from tenken.imei import is_valid_imei
from tenken.lookups.marks import normalise_mark

FAULTS = ("maintenance", "503", "429", "slow", "captcha", "changed", "js-only", "form-loop")

# The glyphs each site prints (SoftBank's △ is ▲; docomo's − is an ASCII hyphen).
SITE_GLYPHS: dict[Carrier, dict[Outcome, str]] = {
    Carrier.DOCOMO: {Outcome.OK: "○", Outcome.PENDING: "△", Outcome.RESTRICTED: "×", Outcome.NOT_FOUND: "-"},
    Carrier.AU: {Outcome.OK: "○", Outcome.PENDING: "△", Outcome.RESTRICTED: "×", Outcome.NOT_FOUND: "－"},
    Carrier.SOFTBANK: {
        Outcome.OK: "○",
        Outcome.PENDING: "▲",
        Outcome.RESTRICTED: "×",
        Outcome.NOT_FOUND: "－",
    },
}
DOCOMO_LEGENDS = {
    Outcome.OK: "ネットワーク利用制限の対象外です。",
    Outcome.PENDING: "利用できますが、代金債務の不履行等により利用制限となる可能性があります。",
    Outcome.RESTRICTED: "利用制限中です。",
    Outcome.NOT_FOUND: "IMEI（製造番号）が確認できません。",
}
RAKUTEN_STATUS = {Outcome.OK: 0, Outcome.PENDING: 1, Outcome.RESTRICTED: 2}

# Deterministic default: the IMEI's second-to-last digit picks the seller, the third-to-last the mark.
DEFAULT_SELLER: tuple[Carrier | None, ...] = (
    Carrier.DOCOMO, Carrier.DOCOMO, Carrier.DOCOMO,
    Carrier.AU, Carrier.AU, Carrier.AU,
    Carrier.SOFTBANK, Carrier.SOFTBANK,
    Carrier.RAKUTEN,
    None,
)  # fmt: skip
DEFAULT_MARK: tuple[Outcome, ...] = (Outcome.OK,) * 7 + (Outcome.PENDING, Outcome.RESTRICTED, Outcome.OK)


class RulesError(ValueError):
    """The rules file cannot be used; the message names the entry."""


@dataclass(slots=True)
class Rules:
    """Which mark each carrier gives an IMEI, and which sites are misbehaving."""

    marks: dict[str, dict[Carrier, Outcome]] = field(default_factory=dict)
    faults: dict[Carrier, str] = field(default_factory=dict)
    slow_seconds: float = 30.0

    def answer(self, imei: str, carrier: Carrier) -> Outcome:
        if imei in self.marks:
            return self.marks[imei].get(carrier, Outcome.NOT_FOUND)
        seller = DEFAULT_SELLER[int(imei[-2])]
        return DEFAULT_MARK[int(imei[-3])] if seller is carrier else Outcome.NOT_FOUND

    def set_mark(self, imei: str, carrier: Carrier | None, mark: Outcome) -> None:
        """Register `imei` at `carrier` with `mark` (None: registered nowhere)."""
        self.marks[imei] = {} if carrier is None else {carrier: mark}

    @classmethod
    def load(cls, path: Path) -> Rules:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise RulesError(f"rules file {path}: {error}") from None
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "rules") -> Rules:
        rules = cls()
        for index, entry in enumerate(data.get("phone", []), start=1):
            label = f"{where}: [[phone]] #{index}"
            imei = str(entry.get("imei", ""))
            if not is_valid_imei(imei):
                raise RulesError(f"{label}: {imei!r} is not a valid IMEI")
            marks = entry.get("marks") or {entry.get("carrier", "none"): entry.get("mark", "○")}
            rules.marks[imei] = {}
            for carrier_name, glyph in marks.items():
                if carrier_name == "none":
                    continue
                rules.marks[imei][_carrier(carrier_name, label)] = _mark(str(glyph), label)
        for carrier_name, mode in (data.get("faults") or {}).items():
            rules.faults[_carrier(carrier_name, f"{where}: [faults]")] = _fault(
                str(mode), f"{where}: [faults]"
            )
        if "slow_seconds" in data:
            rules.slow_seconds = float(data["slow_seconds"])
        return rules


def _carrier(name: str, where: str) -> Carrier:
    try:
        return Carrier(name)
    except ValueError:
        raise RulesError(f"{where}: unknown carrier {name!r} (docomo, au, softbank, rakuten)") from None


def _mark(glyph: str, where: str) -> Outcome:
    outcome = normalise_mark(glyph)
    if outcome is None:
        raise RulesError(f"{where}: {glyph!r} is not one of ○ △ × −")
    return outcome


def _fault(mode: str, where: str) -> str:
    if mode not in FAULTS:
        raise RulesError(f"{where}: unknown fault {mode!r} ({', '.join(FAULTS)})")
    return mode


# ---------------------------------------------------------------------------------------------- pages


def _page(title: str, body: str, charset: str = "UTF-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="{charset}">'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


MAINTENANCE = _page("メンテナンス", "<h1>ただいまメンテナンス中です</h1><p>ご迷惑をおかけしております。</p>")
CAPTCHA_FAILED = _page(
    "認証エラー", '<p>画像認証の文字が正しくありません。</p><input type="text" name="captcha">'
)
JS_ONLY = _page(
    "ネットワーク利用制限",
    '<div id="app"></div><noscript>JavaScriptを有効にしてご利用ください。</noscript>'
    '<script src="/static/app.js"></script>',
)


def docomo_top(captcha: bool) -> str:
    captcha_input = (
        '<p><img src="/gifcat/call.php" alt="画像認証"><input type="text" name="attestationkey"></p>'
        if captcha
        else ""
    )
    return _page(
        "ネットワーク利用制限携帯電話機の確認",
        '<form action="search.php" method="post">'
        '<p>製造番号（IMEI）を入力してください</p><input type="text" name="productno" maxlength="15">'
        f'{captcha_input}<input type="submit" value="確認する"></form>',
        charset="Shift_JIS",
    )


def docomo_result(imei: str, outcome: Outcome, changed: bool) -> str:
    css = "result-box" if changed else "result-panel"
    return _page(
        "ネットワーク利用制限携帯電話機の確認（結果）",
        f'<div class="{css}"><p>製造番号（IMEI）</p><p>{html.escape(imei)}</p></div>'
        f'<div class="{css}">{SITE_GLYPHS[Carrier.DOCOMO][outcome]}</div>'
        f'<div class="{css}"><p>{DOCOMO_LEGENDS[outcome]}</p></div>',
        charset="Shift_JIS",
    )


def au_form(token: str, captcha: bool) -> str:
    captcha_input = '<p>画像認証</p><input type="text" name="captcha">' if captcha else ""
    return _page(
        "ネットワーク利用制限携帯電話機照会",
        '<form name="nextForm" action="/cmn/WCV009001/WCE009002.hc" method="post">'
        f'<input type="hidden" name="_csrf" value="{token}">'
        '<input type="hidden" name="pageId" value="WCE009001">'
        '<input type="hidden" name="nextPageId" value="WCE009002">'
        '<input type="text" name="imei" maxlength="15">'
        f"{captcha_input}"
        '<a href="javascript:void(0)" onclick="execSubmit(\'nextForm\', checkImei, null)">照会する</a>'
        "</form>",
    )


def au_result(imei: str, outcome: Outcome, changed: bool) -> str:
    heading = "ステータス" if changed else "状態"
    legend = {
        Outcome.OK: "制限はありません",
        Outcome.PENDING: "現在制限はありませんが、今後制限される可能性があります",
        Outcome.RESTRICTED: "利用制限中です",
        Outcome.NOT_FOUND: "当社で販売した端末ではありません",
    }[outcome]
    return _page(
        "ネットワーク利用制限携帯電話機照会結果",
        '<ul class="list">'
        f'<li class="list_item"><p class="list_heading">IMEI番号</p><p class="list_details">{imei}</p></li>'
        f'<li class="list_item"><p class="list_heading">{heading}</p>'
        f'<p class="list_details">{SITE_GLYPHS[Carrier.AU][outcome]}<br>{legend}</p></li>'
        "</ul>",
    )


def softbank_form(token: str, captcha: bool) -> str:
    captcha_input = '<p>画像認証</p><input type="text" name="captcha_code">' if captcha else ""
    return _page(
        "ネットワーク利用制限携帯電話機確認",
        '<form name="WBF100Control" action="/WBF/icv" method="post">'
        '<input type="hidden" name="_PageID" value="WBF001000">'
        '<input type="hidden" name="_DataStoreID" value="DSWBF100Control">'
        '<input type="hidden" name="_ControlID" value="WBF100Control">'
        '<input type="hidden" name="_ActionID" value="TE001">'
        f'<input type="hidden" name="_TokenID" value="{token}">'
        '<input type="text" name="imei" maxlength="15">'
        f"{captcha_input}"
        '<input type="submit" name="ACT_TE001" value=" 確 認 ">'
        "</form>",
    )


def softbank_result(imei: str, outcome: Outcome, changed: bool) -> str:
    size = "7" if changed else "8"
    return _page(
        "ネットワーク利用制限携帯電話機確認結果",
        f"<table><tr><td>製造番号</td><td>{imei}</td></tr>"
        f'<tr><td>判定結果</td><td><font size="{size}" color="#666666">'
        f"{SITE_GLYPHS[Carrier.SOFTBANK][outcome]}</font></td></tr></table>",
    )


# ---------------------------------------------------------------------------------------------- server


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


class CarrierSimulator:
    """The HTTP server and its state. Thread-safe; usable as a context manager in tests."""

    def __init__(self, rules: Rules | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.rules = rules or Rules()
        self._lock = threading.Lock()
        self._sessions: dict[tuple[Carrier, str], str] = {}  # (site, cookie value) → form token
        self.hits: Counter[str] = Counter()  # carrier → requests served
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
                self.rules.faults[carrier] = _fault(mode, "set_fault")

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

    def handle(self, method: str, path: str, cookies: SimpleCookie, form: dict[str, str]) -> Reply:
        carrier = _carrier_of(path)
        if carrier is None:
            return _html(
                _page("tenken carrier simulator", _index(self.origin)), status=200 if path == "/" else 404
            )
        with self._lock:
            self.hits[carrier.value] += 1
            fault = self.rules.faults.get(carrier)
        if fault == "slow":
            time.sleep(self.rules.slow_seconds)
        elif fault == "503":
            return _html(MAINTENANCE, status=503)
        elif fault == "429":
            return _html(
                _page("Too Many Requests", "<p>Too Many Requests</p>"),
                status=429,
                headers={"Retry-After": "1"},
            )
        elif fault == "maintenance":
            return _html(MAINTENANCE)
        elif fault == "js-only" and carrier is not Carrier.RAKUTEN:
            return _html(JS_ONLY)
        if fault == "captcha" and method == "POST":
            return _html(CAPTCHA_FAILED)
        if carrier is Carrier.DOCOMO:
            return self._docomo(method, path, cookies, form, fault)
        if carrier is Carrier.AU:
            return self._au(method, path, cookies, form, fault)
        if carrier is Carrier.SOFTBANK:
            return self._softbank(method, cookies, form, fault)
        return self._rakuten(path, fault)

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
            return _html(docomo_top(fault == "captcha"), "Shift_JIS", headers=headers)
        if self._known_session(Carrier.DOCOMO, cookies, "PHPSESSID") is None:
            return _html(
                _page("エラー", "<p>セッションの有効期限が切れました。最初からやり直してください。</p>"),
                "Shift_JIS",
            )
        imei = form.get("productno", "")
        if not is_valid_imei(imei):
            return _html(_page("エラー", "<p>製造番号（IMEI）を正しく入力してください。</p>"), "Shift_JIS")
        outcome = self.rules.answer(imei, Carrier.DOCOMO)
        return _html(docomo_result(imei, outcome, fault == "changed"), "Shift_JIS")

    def _au(
        self, method: str, path: str, cookies: SimpleCookie, form: dict[str, str], fault: str | None
    ) -> Reply:
        if method == "GET" or not path.endswith("WCE009002.hc"):
            session, token, new = self._session(Carrier.AU, cookies, "JSESSIONID")
            headers = {"Set-Cookie": f"JSESSIONID={session}; path=/"} if new else {}
            return _html(au_form(token, fault == "captcha"), headers=headers)
        known = self._known_session(Carrier.AU, cookies, "JSESSIONID")
        if fault == "form-loop" or known is None or form.get("_csrf") != known:
            # What a scripted POST gets when the site wants its JavaScript flow: the form again.
            _session, fresh, _new = self._session(Carrier.AU, cookies, "JSESSIONID")
            return _html(au_form(fresh, False))
        imei = form.get("imei") or form.get("IMEI", "")
        if not is_valid_imei(imei):
            return _html(_page("エラー", "<p>IMEI番号を正しく入力してください。</p>"))
        return _html(au_result(imei, self.rules.answer(imei, Carrier.AU), fault == "changed"))

    def _softbank(self, method: str, cookies: SimpleCookie, form: dict[str, str], fault: str | None) -> Reply:
        if method == "GET":
            session, token, new = self._session(Carrier.SOFTBANK, cookies, "JSESSIONID")
            headers = {"Set-Cookie": f"JSESSIONID={session}; path=/"} if new else {}
            return _html(softbank_form(token, fault == "captcha"), headers=headers)
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
            return _html(_page("エラー", "<p>不正な画面遷移です。最初からやり直してください。</p>"))
        imei = form.get("imei", "")
        if not is_valid_imei(imei):
            return _html(_page("エラー", "<p>製造番号を正しく入力してください。</p>"))
        return _html(softbank_result(imei, self.rules.answer(imei, Carrier.SOFTBANK), fault == "changed"))

    def _rakuten(self, path: str, fault: str | None) -> Reply:
        prefix = "/restriction/eir/v1/rest-api/public/imei/"
        if not path.startswith(prefix):
            return _html(JS_ONLY)
        if fault == "js-only":
            return _html(JS_ONLY)
        imei = path[len(prefix) :]
        if not is_valid_imei(imei):
            return _json({"error": "INVALID_IMEI"}, status=400)
        outcome = self.rules.answer(imei, Carrier.RAKUTEN)
        if fault == "changed":
            return _json({"result": {"code": RAKUTEN_STATUS.get(outcome, -1)}})
        if outcome is Outcome.NOT_FOUND:
            return _json({"error": "NOT_FOUND"}, status=404)
        return _json({"status": RAKUTEN_STATUS[outcome]})


def _carrier_of(path: str) -> Carrier | None:
    if path in ("/top.php", "/search.php"):
        return Carrier.DOCOMO
    if path.startswith("/cmn/WCV009001/"):
        return Carrier.AU
    if path == "/WBF/icv":
        return Carrier.SOFTBANK
    if path.startswith("/restriction/"):
        return Carrier.RAKUTEN
    return None


def _index(origin: str) -> str:
    rows = "".join(
        f'<li><a href="{origin}{path}">{name}</a></li>'
        for name, path in (
            ("docomo", "/top.php"),
            ("au", "/cmn/WCV009001/WCE009001.hc"),
            ("SoftBank", "/WBF/icv"),
            ("Rakuten (JSON)", "/restriction/eir/v1/rest-api/public/imei/490154203237518"),
        )
    )
    return f"<h1>tenken carrier simulator</h1><ul>{rows}</ul>"


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
            reply = simulator.handle(method, urlsplit(self.path).path, cookies, form)
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


# ---------------------------------------------------------------------------------------------- CLI


@click.command(name="carriers")
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1 (0 = any free).")
@click.option(
    "--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path), help="Rules TOML file."
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="CARRIER=MODE",
    help=f"Make a site misbehave: MODE is one of {', '.join(FAULTS)} (repeatable).",
)
def command(port: int, rules_path: Path | None, faults: tuple[str, ...]) -> None:
    """Serve docomo, au, SoftBank and Rakuten checkers on 127.0.0.1 at their real paths.

    Without --rules, the IMEI's second-to-last digit picks the carrier that sold it
    (0-2 docomo, 3-5 au, 6-7 SoftBank, 8 Rakuten, 9 none) and the third-to-last its mark
    (7 △, 8 ×, otherwise ○); every other carrier answers −.
    """
    try:
        rules = Rules.load(rules_path) if rules_path else Rules()
        for item in faults:
            carrier_name, _, mode = item.partition("=")
            rules.faults[_carrier(carrier_name, "--fault")] = _fault(mode, "--fault")
        simulator = CarrierSimulator(rules, port=port)
    except RulesError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    click.echo(f"carrier simulator on {simulator.origin}  (Ctrl-C to stop)")
    click.echo("point tenken at it with:")
    for name, value in simulator.env().items():
        click.echo(f"  export {name}={value}")
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.close()
