"""The carriers' pages as the simulator serves them (../shared/docs/carriers-jp.md): docomo in Shift_JIS,
au's form with hidden inputs and its result list, SoftBank's WBF form and <font size="8"> mark."""

from __future__ import annotations

import html

from tenken.facts import Carrier, Outcome
from tenken.lookups.docomo import LEGENDS as DOCOMO_LEGENDS

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
RAKUTEN_STATUS = {Outcome.OK: 0, Outcome.PENDING: 1, Outcome.RESTRICTED: 2}


def page(title: str, body: str, charset: str = "UTF-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="{charset}">'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


MAINTENANCE = page("メンテナンス", "<h1>ただいまメンテナンス中です</h1><p>ご迷惑をおかけしております。</p>")
CAPTCHA_FAILED = page(
    "認証エラー", '<p>画像認証の文字が正しくありません。</p><input type="text" name="captcha">'
)
JS_ONLY = page(
    "ネットワーク利用制限",
    '<div id="app"></div><noscript>JavaScriptを有効にしてご利用ください。</noscript>'
    '<script src="/static/app.js"></script>',
)


# Rich markup and raw terminal control in a page's text: a red word, a link to a local file, a clear
# screen, a window title (OSC 0), a hyperlink (OSC 8) and a CSI as the single C1 character. A station must
# show them as text and keep them as they were in its evidence.
HOSTILE_TEXT = (
    "[red]赤[/] [link=file:///etc/passwd]link[/link] "
    "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://example.invalid/\x1b\\here\x1b]8;;\x1b\\ \x9b31m"
)
HOSTILE = page("ネットワーク利用制限", f"<p>{html.escape(HOSTILE_TEXT)}</p>")


# `changed`: a redesign. The form's IMEI field is renamed (the address it posts to, and the field the
# simulator reads, stay) and the result markup changes (below).
CHANGED_FIELD = "imeiNo"


def docomo_top(captcha: bool, changed: bool = False) -> str:
    captcha_input = (
        '<p><img src="/gifcat/call.php" alt="画像認証"><input type="text" name="attestationkey"></p>'
        if captcha
        else ""
    )
    return page(
        "ネットワーク利用制限携帯電話機の確認",
        '<form action="search.php" method="post">'
        "<p>製造番号（IMEI）を入力してください</p>"
        f'<input type="text" name="{CHANGED_FIELD if changed else "productno"}" maxlength="15">'
        f'{captcha_input}<input type="submit" value="確認する"></form>',
        charset="Shift_JIS",
    )


def docomo_result(imei: str, outcome: Outcome, changed: bool) -> str:
    css = "result-box" if changed else "result-panel"
    return page(
        "ネットワーク利用制限携帯電話機の確認（結果）",
        f'<div class="{css}"><p>製造番号（IMEI）</p><p>{html.escape(imei)}</p></div>'
        f'<div class="{css}">{SITE_GLYPHS[Carrier.DOCOMO][outcome]}</div>'
        f'<div class="{css}"><p>{DOCOMO_LEGENDS[outcome]}</p></div>',
        charset="Shift_JIS",
    )


def au_form(token: str, captcha: bool, changed: bool = False) -> str:
    captcha_input = '<p>画像認証</p><input type="text" name="captcha">' if captcha else ""
    return page(
        "ネットワーク利用制限携帯電話機照会",
        '<form name="nextForm" action="/cmn/WCV009001/WCE009002.hc" method="post">'
        f'<input type="hidden" name="_csrf" value="{token}">'
        '<input type="hidden" name="pageId" value="WCE009001">'
        '<input type="hidden" name="nextPageId" value="WCE009002">'
        f'<input type="text" name="{CHANGED_FIELD if changed else "imei"}" maxlength="15">'
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
    return page(
        "ネットワーク利用制限携帯電話機照会結果",
        '<ul class="list">'
        f'<li class="list_item"><p class="list_heading">IMEI番号</p><p class="list_details">{imei}</p></li>'
        f'<li class="list_item"><p class="list_heading">{heading}</p>'
        f'<p class="list_details">{SITE_GLYPHS[Carrier.AU][outcome]}<br>{legend}</p></li>'
        "</ul>",
    )


def softbank_form(token: str, captcha: bool, changed: bool = False) -> str:
    captcha_input = '<p>画像認証</p><input type="text" name="captcha_code">' if captcha else ""
    return page(
        "ネットワーク利用制限携帯電話機確認",
        '<form name="WBF100Control" action="/WBF/icv" method="post">'
        '<input type="hidden" name="_PageID" value="WBF001000">'
        '<input type="hidden" name="_DataStoreID" value="DSWBF100Control">'
        '<input type="hidden" name="_ControlID" value="WBF100Control">'
        '<input type="hidden" name="_ActionID" value="TE001">'
        f'<input type="hidden" name="_TokenID" value="{token}">'
        f'<input type="text" name="{CHANGED_FIELD if changed else "imei"}" maxlength="15">'
        f"{captcha_input}"
        '<input type="submit" name="ACT_TE001" value=" 確 認 ">'
        "</form>",
    )


def softbank_result(imei: str, outcome: Outcome, changed: bool) -> str:
    size = "7" if changed else "8"
    return page(
        "ネットワーク利用制限携帯電話機確認結果",
        f"<table><tr><td>製造番号</td><td>{imei}</td></tr>"
        f'<tr><td>判定結果</td><td><font size="{size}" color="#666666">'
        f"{SITE_GLYPHS[Carrier.SOFTBANK][outcome]}</font></td></tr></table>",
    )


def index_page(origin: str) -> str:
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
