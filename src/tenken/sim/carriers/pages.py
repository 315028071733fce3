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
        "</form><script>function checkImei(form) { return /^[0-9]{15}$/.test(form.imei.value); }"
        "function execSubmit(name, check) { var form = document.forms[name];"
        " if (check(form)) { form.submit(); } }</script>",
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


# ---------------------------------------------------------------- obstacles in front of programs

# Characters a person reads without doubt (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CAPTCHA_ALPHABET = "ACDEFHJKMNPRTWXY34679"
CAPTCHA_LENGTH = 5


def docomo_captcha_top(session_hint: str) -> str:
    """docomo's form as it was around 2016: the IMEI, and an image CAPTCHA (`/gifcat/call.php`, a new code
    on each load of this page) typed into `attestationkey`."""
    return page(
        "ネットワーク利用制限携帯電話機の確認",
        '<form action="search.php" method="post">'
        '<p>製造番号（IMEI）を入力してください</p><input type="text" name="productno" maxlength="15">'
        f'<p>画像に表示されている文字を入力してください</p><img src="/gifcat/call.php?{session_hint}"'
        ' alt="画像認証" width="200" height="60">'
        '<input type="text" name="attestationkey" maxlength="8">'
        '<input type="submit" value="確認する"></form>',
        charset="Shift_JIS",
    )


def captcha_png(code: str) -> bytes:
    """An image of `code` a person reads easily: dark letters, spaced, on a light background with a few
    lines across (Pillow; the simulator is not a CAPTCHA vendor: it only has to stop a program)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (200, 60), (245, 245, 235))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for index, char in enumerate(code):
        draw.text((14 + index * 36, 10 + (index % 2) * 6), char, fill=(30, 30, 90), font=font)
    for index in range(3):
        draw.line((0, 15 + index * 15, 200, 45 - index * 10), fill=(160, 160, 160), width=1)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


WAF_COOKIE = "tk_waf"


def waf_challenge(token: str) -> str:
    """What a bot check sends a client it has not seen run its script: "Forbidden", and a script that sets
    the cookie it wants and loads the page again (a browser passes without help)."""
    return page(
        "403 Forbidden",
        "<h1>Forbidden</h1><p>You don't have permission to access this resource.</p>"
        f'<script>document.cookie = "{WAF_COOKIE}={token}; path=/"; location.reload();</script>',
    )


RAKUTEN_TOKEN_HEADER = "X-Restriction-Token"  # noqa: S105 (a header name)


def rakuten_app(token: str) -> str:
    """Rakuten's checker as a browser sees it: a JavaScript app (fill `#imei`, click `#search`, read
    `#search-result`) whose script asks the JSON endpoint with its own headers and the page's token."""
    script = (
        "document.getElementById('search').addEventListener('click', function () {"
        " var imei = document.getElementById('imei').value.trim();"
        " var out = document.getElementById('search-result');"
        " out.textContent = '照会中…';"
        " fetch('/restriction/eir/v1/rest-api/public/imei/' + encodeURIComponent(imei), {"
        "  headers: {'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest',"
        f"  '{RAKUTEN_TOKEN_HEADER}': document.querySelector('meta[name=restriction-token]').content}}"
        " }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })"
        " .then(function (got) {"
        "  var marks = {0: '○ ご利用いただけます', 1: '△ 今後制限される可能性があります', 2: '× 利用制限中です'};"
        "  out.setAttribute('data-status', String(got[1].status));"
        "  out.textContent = (got[0] === 200 && got[1].status in marks) ? marks[got[1].status]"
        "   : '照会できませんでした';"
        " });"
        "});"
    )
    return page(
        "ネットワーク利用制限確認 | 楽天モバイル",
        f'<meta name="restriction-token" content="{token}">'
        "<h1>ネットワーク利用制限確認</h1>"
        '<label for="imei">IMEI</label><input id="imei" type="text" maxlength="15">'
        '<button id="search" type="button">確認する</button>'
        '<div id="search-result" aria-live="polite"></div>'
        f"<script>{script}</script>",
    )
