"""`--help` in Japanese: every command's and option's help, keyed by its English (as gettext keys a
message by its source text). The English stays beside the code that it explains; a test finds every help
text of every command and checks that it has its Japanese here, so a new option cannot ship in English
only. Commands, options, paths and codes inside a text stay as they are.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click

# click's own headings and prefixes (it writes them in English)
HEADINGS = {"Options": "オプション", "Commands": "コマンド", "Arguments": "引数"}
USAGE = "使い方: "

HELP_JA: dict[str, str] = {
    # click's own: the --help option every command has
    "Show this message and exit.": "このメッセージを表示して終了します。",
}


def japanese(text: str) -> str | None:
    """The Japanese of a help text (a docstring as written, indented, or as cleaned: either finds it)."""
    return HELP_JA.get(text) or HELP_JA.get(inspect.cleandoc(text))


@contextmanager
def in_japanese(command: click.Command) -> Iterator[None]:
    """While inside: the command's help, its options' and its subcommands' in Japanese (put back after,
    so that a process that goes on — tests, a shell — keeps the English)."""
    changed: list[tuple[object, str, str | None]] = []

    def put(holder: object, attribute: str) -> None:
        text = getattr(holder, attribute, None)
        if text:
            changed.append((holder, attribute, text))
            setattr(holder, attribute, japanese(text) or text)

    def walk(each: click.Command) -> None:
        put(each, "help")
        put(each, "short_help")
        for param in each.params:
            if isinstance(param, click.Option):
                put(param, "help")
        for sub in getattr(each, "commands", {}).values():  # a group lists its commands' help
            walk(sub)

    walk(command)
    try:
        yield
    finally:
        for holder, attribute, text in reversed(changed):
            setattr(holder, attribute, text)


def help_texts(command: click.Command, path: str = "tenken") -> Iterator[tuple[str, str]]:
    """(where, English text) for every help text of a command and its subcommands, as --help shows them."""
    if command.help:
        yield path, command.help
    for param in command.params:
        text = getattr(param, "help", None)
        if isinstance(param, click.Option) and text:
            yield f"{path} {param.opts[0]}", text
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                yield from help_texts(sub, f"{path} {name}")


class JapaneseHelpFormatter(click.HelpFormatter):
    """click's formatter with its headings and the usage prefix in Japanese, and text wrapped as Japanese
    is: by the cells a terminal gives each character (a kanji takes two), between any two Japanese
    characters but never inside a word of Latin letters (a command, an option, a path), and never starting
    a line with 、。）」."""

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(indent + line if line else "" for line in wrap(text, self.width - len(indent))))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        # click adds --help itself and appends [default: …] and [required] after each option's help.
        rows = [(term, _marks(japanese(text) or text)) for term, text in rows]
        first_col = min(max((cells(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(" " * self.current_indent + term)
            if not text:
                self.write("\n")
                continue
            if cells(term) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(text, max((self.width or 80) - first_col - 2 - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


_TOKEN = re.compile(r"[!-~]+|[ \t]+|.", re.DOTALL)  # a Latin word, spaces, or one other character
_NO_LINE_START = set("、。，．）」』】〕：；・ー")
_NO_LINE_END = set("（「『【〔")


def cells(text: str) -> int:
    """How many terminal cells `text` takes."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int | None) -> list[str]:
    """Paragraphs (blank-line separated) wrapped to `width` cells; a paragraph after a \\b line keeps its
    lines as written (click's rule)."""
    width = width or 78
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n\n")):
        if number:
            lines.append("")
        if paragraph.startswith("\b\n"):
            lines.extend(paragraph[2:].splitlines())
            continue
        lines.extend(_fill(_joined(paragraph.splitlines()), width))
    return lines or [""]


def _joined(lines: list[str]) -> str:
    """A paragraph's lines as one: a space between two Latin words, none between Japanese characters."""
    text = ""
    for line in (line.strip() for line in lines):
        if text and line and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def _fill(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(text):
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = cells(token)
        if used + size > width and line.strip() and token[0] not in _NO_LINE_START:
            carried = ""
            while line and line[-1] in _NO_LINE_END:  # an opening bracket goes with what it opens
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip())
            line, used = carried, cells(carried)
        line, used = line + token, used + size
    lines.append(line.rstrip())
    return lines


def _marks(text: str) -> str:
    return _DEFAULT.sub(r"［既定：\1］", text).replace("[required]", "［必須］")


_DEFAULT = re.compile(r"\[default: ([^\]]*)\]")


# tenken export's options for the workbook, --latest and --excel (a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "xlsx: an Excel workbook (IMEIs as text, dates as dates; needs --out).": "xlsx：Excelブック"
        "（IMEIは文字列、日時は日付として。--out が必要）。",
        "File to write (default: stdout; `-` for stdout with xlsx).": "出力するファイル（既定：標準出力。"
        "xlsx を標準出力に書くには `-`）。",
        "One row per phone (by serial, else IMEI): its newest inspection, as a listing wants.": "端末ごとに1行"
        "（シリアル番号、なければIMEIで判別）：出品一覧向けに最新の点検だけを出力します。",
        "CSV only: start each identifier (IMEI, serial, stock and model number, inspection id) with a tab, so "
        "that Excel keeps it as text instead of 3.53915E+14 (docs/reports.md).": "CSVのみ：識別子（IMEI、"
        "シリアル番号、管理番号、型番、点検ID）の先頭にタブを付け、Excelが 3.53915E+14 のような数値に"
        "変えず文字列のまま表示するようにします（docs/reports.md）。",
    }
)


# tenken record's --new and --what, tenken certificate's --by (a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "The phone is one tenken has not seen yet (no inspection, answer or recorded fact names it).": "まだ"
        "tenkenが扱っていない端末です（点検・キャリア回答・記録のどれにも載っていない端末を記録するとき）。",
        "What was read, and where (default: where this phone's platform and maker show it).": "何をどこで"
        "読み取ったか（既定：この端末のOSとメーカーでその項目が表示される場所）。",
        "The technician (担当者) on it (default: the user running tenken).": "証明書に載せる担当者（既定："
        "tenkenを実行しているユーザー）。",
    }
)


# tenken handoff, the assisted browser check (issue 18; a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "Check IMEIs on a carrier's own page in a Chromium window, with the person at the station.\n\n    tenken opens the carrier's page, types the IMEI and clicks the page's button — or, where the page\n    shows a CAPTCHA, waits for the person to type it and click. The answer is read with the same parser\n    as `tenken lookup`, and kept with the page, a full-page screenshot, their sha256, the time and the\n    address, as `via: browser` and who was at the station. The phone's IMEI2 (from its newest\n    inspection) follows in the same window. tenken never solves a CAPTCHA, never hides that the browser\n    is automated, and never retries past a refusal. Needs `pip install 'tenken[browser]'` and Chromium\n    with its driver (apt-get install chromium chromium-driver).\n\n    \x08\n    Exit codes:\n      0  every answer read, none × or △\n      1  some answer × or △\n      3  some answer not read: no answer within --timeout (nothing is kept), or the page still refused\n      64 usage error; 65 not an IMEI; 69 the browser cannot start; 74 the database failed\n    ": (
            "担当者と一緒に、キャリア自身のページをChromiumのウィンドウで確認します。\n\n"
            "tenkenがキャリアのページを開いてIMEIを入力し、ページのボタンを押します。ページに画像認証があるときは、"
            "担当者が文字を入力してボタンを押すのを待ちます。回答は `tenken lookup` と同じ解析で読み取り、ページ、"
            "ページ全体のスクリーンショット、それぞれのsha256、日時、アドレスとともに `via: browser` と担当者名で"
            "記録します。端末のIMEI2（最新の点検から）は同じウィンドウで続けて確認します。tenkenは画像認証を解かず、"
            "自動操作であることを隠さず、拒否されたあとは再試行しません。`pip install 'tenken[browser]'` と、"
            "Chromium とそのドライバー（`apt-get install chromium chromium-driver`）が必要です。\n\n"
            "\x08\n終了コード：\n"
            "  0  すべて回答を読み取り、× も △ もなし\n"
            "  1  × または △ の回答あり\n"
            "  3  読み取れなかった回答あり：--timeout までに回答がない（何も記録しません）、またはページが拒否した\n"
            "  64 使い方の誤り。65 IMEIではない。69 ブラウザを起動できない。74 データベースの障害"
        ),
        "Carrier whose page to open (repeatable; default: each carrier whose newest answer about the IMEI "
        "is not a mark).": "ページを開くキャリア（複数指定可。既定：そのIMEIについての最新の回答が判定でないキャリア）。",
        "Who is at the station (default: the user running tenken).": "ステーションにいる担当者（既定：tenkenを"
        "実行しているユーザー）。",
        "No window (tests and CI only): nobody can read a CAPTCHA there, so such a page waits and times out.": (
            "ウィンドウを表示しません（テストと自動検証専用）。画像認証は誰も読めないため、そのページは待ったまま"
            "時間切れになります。"
        ),
        "Seconds to wait for each answer (the person reading a CAPTCHA, the page loading).": "回答ごとに待つ"
        "秒数（担当者が画像認証を読む時間、ページの読み込み）。",
    }
)


# Every other help text, keyed by its English as click keeps it (a docstring cleaned of its indent).
HELP_JA.update(
    {
        "tenken (点検): inspect used phones and tell whether they can be sold, and why.": "tenken（点検）：中古端末を点検し、販売できるかどうかとその理由を示します。",
        "Show the version and exit.": "バージョンを表示して終了します。",
        "Configuration file (default: the platform config dir's tenken/config.toml).": "設定ファイル（既定：プラットフォームの設定フォルダーの tenken/config.toml）。",
        "Database: a SQLite file path or a SQLAlchemy URL (postgresql://…).": "データベース：SQLiteファイルのパス、またはSQLAlchemyのURL（postgresql://…）。",
        "More log output on stderr (-vv for debug).": "標準エラーへのログを増やします（-vv でデバッグ）。",
        "Language of what tenken prints (default: from the locale; LANG=ja_JP.UTF-8 gives Japanese).": "tenkenの表示言語（既定：ロケールから。LANG=ja_JP.UTF-8 で日本語）。",
        "Write the inspection certificate (点検証明書) of a phone's newest inspection, or of the inspection\nwith that id: one self-contained HTML file for A4 paper, in Japanese and English, with the shop that\nissues it ([shop] in the configuration) and a QR code that carries the record hash, or the shop's\npage that checks it (certificate.verify_url; `tenken verify` checks it here).": "端末の最新の点検、またはそのIDの点検の点検証明書を出力します：A4用紙向けの1ファイルで完結したHTML（日本語と英語）。\n発行する店舗（設定の [shop]）と、記録のハッシュ、または店舗の検証ページ（certificate.verify_url）を載せた\nQRコード付きです（この端末では `tenken verify` で検証します）。",
        "Folder for the certificate.": "証明書を書き出すフォルダー。",
        "Show the IMEIs in full (default: only their last 4 digits).": "IMEIを全桁表示します（既定：末尾4桁のみ）。",
        "Also print it to PDF beside the HTML (needs Chromium).": "HTMLの横にPDFも出力します（Chromiumが必要）。",
        "Show the configuration file, the data folder, the database and every TENKEN_… variable.": "設定ファイル、データフォルダー、データベース、すべての TENKEN_… 環境変数を表示します。",
        "Print the effective settings as JSON.": "有効な設定をJSONで出力します。",
        "Run the station on simulated iPhones, Android phones and carrier sites (127.0.0.1 only).": "シミュレーターのiPhone、Android端末、キャリアサイトでステーションを動かします（127.0.0.1のみ）。",
        "Seconds between requests to one simulated carrier site.": "シミュレーターのキャリアサイトへの問い合わせの間隔（秒）。",
        "Show every phone in full, not just the two read twice.": "2回読み取った2台だけでなく、すべての端末を詳しく表示します。",
        "Check this machine as a station: usbmuxd reachable, the adb server (loopback only), udev rules,\nUSB permissions of attached Android phones, the data folder, the database and its schema, the\ncarrier sites configured (never contacted) and the webhook receiver.\n\nWith --carriers, only the carriers' sites, contacted: each checker page is loaded once, as the\nlook-ups load it, without sending an IMEI, and checked against the form tenken reads there\n(fields, tokens, cookie), a CAPTCHA, a refusal (HTTP 403, a bot check) or a page only a browser runs.\n\n\b\nExit code: 0 nothing failed (warnings allowed), 1 something failed (each says what to do).\nWith --carriers: 0 every site can be read, 2 some site will not answer programs (its look-ups\nwill be hand-offs), 1 some page is not the one tenken reads, 3 some site could not be reached.": "このマシンを点検ステーションとして確認します：usbmuxdへの接続、adbサーバー（ループバックのみ）、udevルール、\n接続中のAndroid端末のUSB権限、データフォルダー、データベースとそのスキーマ、設定済みのキャリアサイト\n（接続はしません）、Webhookの受信側。\n\n--carriers を付けると、キャリアのサイトだけを確認し、実際に接続します：各キャリアの確認ページを照会と同じ方法で\n1回だけ読み込み（IMEIは送信しません）、tenken が読み取るフォーム（入力項目、トークン、クッキー）があるか、\n画像認証（CAPTCHA）、拒否（HTTP 403、ボット対策）、ブラウザでしか動かないページではないかを確認します。\n\n\b\n終了コード：0 失敗なし（注意は可）、1 失敗あり（それぞれ対処を表示）。\n--carriers のとき：0 すべてのサイトを読み取れる、2 プログラムに応答しないサイトがある（照会は手動確認になる）、\n1 tenken が読み取るページではないサイトがある、3 接続できないサイトがある。",
        "Instead: load each carrier's checker page once (no IMEI is sent) and say whether tenken can read it today.": "代わりに、各キャリアの確認ページを1回だけ読み込み（IMEIは送信しません）、今日 tenken が読み取れるかを表示します。",
        "The checks as one JSON object.": "確認結果を1つのJSONオブジェクトで出力します。",
        "List what the carriers answered about IMEI, and save their raw pages for a 赤ロム保証 claim.\n\nEach saved page gets a .meta.json beside it with the URL, HTTP status, time and sha256. Every stored\nanswer is checked: its page against the sha256 recorded when it arrived, the page read again against\nthe stored mark, and the row against the station's signature (a mark entered by hand has only that).\n\n\x08\nExit codes:\n  0  listed (and saved); every stored answer checks out (answers kept before tenken signed them, or\n     signed by a station whose key is not held here, are listed with a note)\n  5  some stored answer does not: the database was altered or damaged (flagged in the list,\n     the --json and the .meta.json); everything was still listed and saved\n  65 IMEI is not an IMEI; 66 nothing stored for it; 73 a file cannot be written; 74 the database failed": "IMEIについてキャリアが回答した内容を一覧し、赤ロム保証の請求のために元のページを保存します。\n\n保存したページごとに、URL・HTTPステータス・日時・sha256を記した .meta.json を横に置きます。保存済みの回答は\nすべて確認します：ページは受信時に記録したsha256と、ページを読み直した判定は記録した判定と、行はステーション\nの署名と照合します（手で記録した判定は署名のみ）。\n\n\x08\n終了コード：\n  0  一覧（と保存）完了。保存済みの回答はすべて確認できました（署名導入前の回答、鍵を持たない\n     ステーションの署名の回答は注記付きで一覧します）\n  5  確認できない回答があります：データベースが改変または破損しています（一覧、--json、.meta.json\n     に明記）。それでもすべて一覧・保存しました\n  65 IMEIではない。66 保存された回答がない。73 ファイルを書けない。74 データベースの障害",
        "Only this carrier.": "このキャリアのみ。",
        "Folder for the saved pages.": "保存したページを書き出すフォルダー。",
        "Save every stored answer, not only the newest per carrier.": "キャリアごとの最新だけでなく、保存済みの回答をすべて保存します。",
        "Only list; write no files.": "一覧だけでファイルは書きません。",
        "List as JSON.": "JSONで一覧します。",
        "Every stored inspection (oldest first; --latest: each phone's newest) as one row: date (JST), stock\nnumber, model, model number, storage, colour, IMEIs, serial, each carrier's mark, SIM lock and how it\nis known, Find My/FRP, MDM, battery, the verdict per channel, the first reason and the certificate\nwritten (docs/reports.md).": "点検結果を1件1行で出力します（古い順。--latest：端末ごとに最新のみ）：日時（JST）、管理番号、機種、型番、\n容量、色、IMEI、シリアル番号、キャリアごとの判定、SIMロックとその確認方法、「iPhoneを探す」/FRP、MDM、\nバッテリー、チャネルごとの判定、主な理由、発行した証明書（docs/reports.md）。",
        "Only inspections from then on: 7d, 12h, 2w, or a date (JST).": "この時点以降の点検のみ：7d、12h、2w、または日付（JST）。",
        "The sales channel whose first reason fills first_reason (every channel's level is exported).": "first_reason に主な理由を出す販売チャネル（判定レベルは全チャネル分を出力します）。",
        "CSV only: UTF-8 with a byte-order mark opens in Excel with its Japanese intact; cp932 for older Excel (characters it cannot hold are written as 〓, and counted on stderr).": "CSVのみ：BOM付きUTF-8ならExcelで日本語のまま開けます。古いExcelには cp932（表せない文字は 〓 で書き、その数を\n標準エラーに表示します）。",
        "Past inspections and carrier answers of a phone (by IMEI, either slot, or serial number), or of\nevery phone inspected since --since, newest first, each with what changed since the one before:\na mark (○ → △), a lock that came or went, a verdict level or the battery's health.": "端末（IMEI（どちらのスロットでも）またはシリアル番号で指定）の過去の点検とキャリア回答、または --since 以降に\n点検したすべての端末について、新しい順に、前回からの変化（判定 ○ → △、ロックの有無、判定レベル、\nバッテリーの状態）とともに表示します。",
        "Only from then on: 7d, 12h, 2w, or a date (JST) such as 2026-11-01 (default without a phone: 7d).": "この時点以降のみ：7d、12h、2w、または 2026-11-01 のような日付（JST）（端末を指定しないときの既定：7d）。",
        "As JSON (docs/schema/history.schema.json).": "JSONで出力します（docs/schema/history.schema.json）。",
        "Read every attached phone, ask the carriers about its IMEIs, and say per sales channel whether\nit can be sold, why (not), and what would change it.\n\n\x08\nExit code (for --channel, default retail):\n  0  every phone SELLABLE, or SELLABLE with disclosure\n  1  some phone BLOCKED or PARTS_ONLY\n  3  a transport (usbmuxd, the adb server), a phone's read or a carrier could not be done\n  4  no phone attached, or none where --udid, --port or ANDROID_SERIAL points\n  2  some phone HOLD: something needed is not known (trust, unlock, a check by hand)\nThe first that applies wins, in that order; 64+ are usage and configuration errors, 74 the database.": "接続中の端末をすべて読み取り、IMEIをキャリアに問い合わせ、販売チャネルごとに販売できるか、その理由、\n何が変われば判定が変わるかを示します。\n\n\x08\n終了コード（--channel のチャネル、既定 retail）：\n  0  すべて販売可、または告知付きで販売可\n  1  販売不可または部品取りのみの端末あり\n  3  接続（usbmuxd、adbサーバー）、端末の読み取り、キャリアへの問い合わせのいずれかができなかった\n  4  端末が接続されていない、または --udid、--port、ANDROID_SERIAL の指す端末がない\n  2  保留の端末あり：必要な情報が不明（信頼、ロック解除、手動確認）\nこの順で最初に当てはまるものになります。64以上は使い方と設定の誤り、74はデータベースの障害です。",
        "Only this phone (repeatable): an iPhone's UDID or serial number, in any case, or an Android phone's adb serial. Without --udid or --port, ANDROID_SERIAL picks the Android phone, as in adb.": "この端末のみ（複数指定可）：iPhoneのUDIDまたはシリアル番号（大文字小文字は問いません）、またはAndroid端末の\nadbシリアル。--udid も --port もないときは、adbと同じく ANDROID_SERIAL がAndroid端末を選びます。",
        "Only the phone on this hub port (repeatable): a name from [ports] in the configuration (A-03), or the location as shown (0x01100000, 1-4.2).": "このハブポートの端末のみ（複数指定可）：設定の [ports] の名前（A-03）、または表示どおりの位置\n（0x01100000、1-4.2）。",
        "Which phones to look for.": "対象にする端末。",
        "usbmuxd address HOST:PORT or socket path (default: the system's).": "usbmuxdのアドレス HOST:PORT またはソケットのパス（既定：システムのもの）。",
        "adb server port (default 5037).": "adbサーバーのポート（既定 5037）。",
        "Do not ask the carriers (the network check is then HOLD).": "キャリアに問い合わせません（ネットワーク利用制限の確認は保留になります）。",
        "Ask the carriers even when a fresh answer is stored.": "新しい回答が保存されていても、キャリアに問い合わせます。",
        "The sales channel the exit code is for.": "終了コードの基準にする販売チャネル。",
        "Policy file (default: the `policy` setting, else the policy shipped with tenken).": "ポリシーファイル（既定：設定の `policy`、なければtenken付属のポリシー）。",
        "The IMEI this phone should have.": "この端末のはずのIMEI。",
        "CSV of the phones expected (an IMEI column, optional IMEI2 and stock number): a phone matching none is flagged, and its stock number is shown.": "入荷予定の端末のCSV（IMEI列、任意でIMEI2と管理番号）：どれにも一致しない端末を指摘し、管理番号を表示します。",
        "Every phone's facts, reasons and carrier answers in full.": "各端末の項目、理由、キャリア回答をすべて表示します。",
        "The inspections and any problem as one JSON object.": "点検結果と問題を1つのJSONオブジェクトで出力します。",
        "Write each phone's certificate (点検証明書, HTML) into this folder (see tenken certificate).": "各端末の点検証明書（HTML）をこのフォルダーに出力します（tenken certificate を参照）。",
        "Ask docomo, au, SoftBank and Rakuten about each IMEI (ネットワーク利用制限: ○ △ × −).\n\nEvery answer is stored with the carrier's raw page as evidence (see `tenken evidence`).\n\n− everywhere is neutral: the IMEI is not registered (or not yet reflected) at any carrier asked.\nThat is fine for a SIM-free model and a question for a carrier's model; a look-up does not know the\nmodel (`tenken inspect` reads it), so it is never reported as clean.\n\n○ at one carrier is clean even when another could not be read: only the carrier that sold a phone\nregisters its IMEI. The summary and the JSON (`unread`) name the carriers not read; with --strict\nsuch an IMEI is unknown (exit 3).\n\n\x08\nExit codes (the first that applies):\n  1  some IMEI restricted (×) or pending (△)\n  3  some carrier could not be read (site down, CAPTCHA, changed page)\n  2  some IMEI − everywhere: not established as clean without the model's carrier\n  65 some input was not an IMEI (reported with its line)\n  0  every IMEI registered somewhere and ○ there\n  64 usage error; 66 an input file cannot be read; 74 the database failed\n  (the answers are printed first); 78 a configuration error": "ドコモ、au、ソフトバンク、楽天モバイルに各IMEIを問い合わせます（ネットワーク利用制限：○ △ × −）。\n\n回答はすべて、キャリアの元のページを証拠として保存します（`tenken evidence` を参照）。\n\n全社で − は中立です：問い合わせたどのキャリアにもIMEIが登録されていない（またはまだ反映されていない）状態です。\nSIMフリーの機種なら問題なく、キャリアの機種なら確認が必要です。この問い合わせでは機種がわからないため\n（`tenken inspect` が読み取ります）、問題なしとは表示しません。\n\nあるキャリアで ○ なら、他のキャリアが確認できなくても問題なしです：IMEIを登録するのは販売したキャリアだけだからです。\n要約とJSON（`unread`）に確認できなかったキャリアを示します。--strict ではそのようなIMEIは不明（終了コード3）です。\n\n\x08\n終了コード（最初に当てはまるもの）：\n  1  利用制限中（×）または支払中（△）のIMEIあり\n  3  確認できなかったキャリアあり（サイト停止、画像認証、ページの変更）\n  2  全社で − のIMEIあり：機種のキャリアがわからないと問題なしとは言えません\n  65 IMEIではない入力あり（行番号付きで表示）\n  0  すべてのIMEIがどこかに登録され、そこで ○\n  64 使い方の誤り。66 入力ファイルを読めない。74 データベースの障害（回答は先に表示します）。78 設定の誤り",
        "IMEIs, one per line, or a CSV with an 'imei' column ('-' reads stdin).": "IMEIを1行に1つ、または 'imei' 列のあるCSV（'-' で標準入力）。",
        "Carrier to ask (repeatable; default: all).": "問い合わせるキャリア（複数指定可。既定：すべて）。",
        "Print JSON: one object per IMEI, written as the batch goes (docs/json.md).": "JSONで出力します：IMEIごとに1オブジェクト、処理の進行に合わせて書き出します（docs/json.md）。",
        "Ask the carriers even when a fresh answer is stored (one that cannot be read does not replace it).": "新しい回答が保存されていても、キャリアに問い合わせます（確認できなかった回答で置き換えることはありません）。",
        "An IMEI is unknown while any carrier asked could not be read, even where another registers it (default: the `lookup.strict` setting, off).": "他のキャリアが登録していても、確認できなかったキャリアがあればIMEIを不明とします（既定：設定の\n`lookup.strict`、オフ）。",
        "Seconds between requests to one carrier site.": "1つのキャリアサイトへの問い合わせの間隔（秒）。",
        "Accept 16-digit IMEISVs and look up the IMEI they contain (they have no check digit).": "16桁のIMEISVを受け付け、その中のIMEIを問い合わせます（IMEISVにはチェックデジットがありません）。",
        "The sales policy: which level each condition gets on each channel (docs/policy.md).": "販売ポリシー：各条件に各チャネルでどの判定レベルを付けるか（docs/policy.md）。",
        "Validate a policy file: every condition given a level on every channel, levels spelled right, no\nunknown made better than the rule allows. One line naming file, key and problem when it is not.": "ポリシーファイルを検査します：すべての条件に全チャネルの判定レベルがあるか、レベルの綴りが正しいか、\n不明を規則より良く扱っていないか。問題があれば、ファイル・キー・問題を1行で示します。",
        "Print the policy in effect: its name, where it comes from, its sha256, and per channel the level\nof every condition.": "有効なポリシーを表示します：名前、読み込み元、sha256、チャネルごとの全条件の判定レベル。",
        "A policy file (default: the `policy` setting, else the one shipped with tenken).": "ポリシーファイル（既定：設定の `policy`、なければtenken付属のもの）。",
        "Print the file itself (to copy and edit).": "ファイルそのものを出力します（コピーして編集するため）。",
        "The effective levels as JSON.": "有効な判定レベルをJSONで出力します。",
        "Ask the carriers again about stored phones whose answers were △ or could not be read (a △ can\nturn × before the phone sells), judge them again, and report every change (△→×, ○→×, unknown→○).\nEach re-check is stored as a new inspection naming the one it re-checked, with the carriers' pages\nas evidence, and changes are sent to the webhook. Made for cron or a systemd timer (docs/station.md).\n\n\x08\nExit code (for --channel, default retail):\n  0  nothing turned BLOCKED or PARTS_ONLY (or nothing was due)\n  1  some phone turned BLOCKED or PARTS_ONLY\n  3  some carrier could not be read": "判定が△または確認できなかった保存済みの端末について、キャリアに再確認し（△は売れる前に×になることがあります）、\n判定し直して、すべての変化（△→×、○→×、不明→○）を報告します。再確認は、元の点検を示す新しい点検として、\nキャリアのページを証拠として保存し、変化はWebhookに送ります。cronやsystemdタイマー向けです（docs/station.md）。\n\n\x08\n終了コード（--channel のチャネル、既定 retail）：\n  0  販売不可・部品取りのみになった端末なし（または対象なし）\n  1  販売不可または部品取りのみになった端末あり\n  3  確認できなかったキャリアあり",
        "Ask again only answers read longer ago than this (30m, 12h, 1d, 2w, or a date; 0 for all).": "この期間より前に確認した回答だけを再確認します（30m、12h、1d、2w、または日付。0 ですべて）。",
        "Only phones whose last inspection finished within this time (or since this date).": "最後の点検がこの期間内（またはこの日付以降）に終わった端末のみ。",
        "Which answers to ask again, comma-separated: pending (△), unknown (could not be read, or the carriers were not asked), ok (○), restricted (×).": "再確認する回答（カンマ区切り）：pending（△）、unknown（確認できなかった、または問い合わせていない）、\nok（○）、restricted（×）。",
        "List the phones that are due; ask nobody.": "対象の端末を一覧するだけで、問い合わせはしません。",
        "Every re-check and what changed, as one JSON object.": "すべての再確認と変化を1つのJSONオブジェクトで出力します。",
        "Record FACT = VALUE for a phone, as read by hand. FACT is one of:\n\n\x08\n  sim-lock locked|unlocked    the SIM-lock line in Settings, or another carrier's SIM\n  battery 87                  the battery's maximum capacity in %\n  owner-lock on|off           whether setup asked for the owner's account after the erase\n  mdm yes|no                  whether an organisation manages the phone\n  imei 356…                   the IMEI from *#06# or the tray, when the phone could not tell it\n  mark CARRIER MARK           a carrier's answer checked by hand in a browser (CAPTCHA, JavaScript):\n                              ○ o maru まる, △ ▲ sankaku, × x batsu ばつ, − - none なし;\n                              docomo ドコモ, au エーユー, softbank ソフトバンク, rakuten 楽天\n  grade S|A|B|C|J             the appearance grade (the RMJ guideline's ranks, or the steps of\n                              [grade] scale), with --ng for each failed item (J needs one),\n                              --note and --photo FILE for each photo\n  erasure ITEM=VALUE…         the erasure checklist a person confirmed: resets=2 (factory resets:\n                              at purchase and at inspection), checked-by=NAME (the second person),\n                              felica=cleared|warned|none, jpki=revoked|none\n\nThe phone is named by --imei or --serial and must be one tenken has inspected, looked up or recorded\n(--new for one it has not). Without --what, the place this phone's platform and maker show the fact\nis kept. Later inspections use the fact as measured, and every report shows it was entered by a\nperson, who and when.": "手で読み取った端末の事実（項目 = 値）を記録します。項目は次のいずれかです：\n\n\x08\n  sim-lock locked|unlocked    設定のSIMロックの表示、または他社のSIMで確認\n  battery 87                  バッテリーの最大容量（%）\n  owner-lock on|off           初期化後のセットアップで所有者のアカウントを求められたか\n  mdm yes|no                  組織が端末を管理しているか\n  imei 356…                   端末が答えなかったときの *#06# またはSIMトレイのIMEI\n  mark キャリア 判定          ブラウザで手動確認したキャリアの判定（画像認証、JavaScript）：\n                              ○ o maru まる、△ ▲ sankaku、× x batsu ばつ、− - none なし。\n                              docomo ドコモ、au エーユー、softbank ソフトバンク、rakuten 楽天\n  grade S|A|B|C|J             外観グレード（RMJガイドラインのランク、または [grade] scale の段階）。\n                              不良項目ごとに --ng（Jには1つ以上必要）、--note、写真ごとに --photo ファイル\n  erasure 項目=値…            人が確認したデータ消去の項目：resets=2（買取時と点検時の初期化の回数）、\n                              checked-by=氏名（第三者確認）、felica=cleared|warned|none、\n                              jpki=revoked|none（スマホ用電子証明書）\n\n端末は --imei または --serial で指定し、tenkenが点検・問い合わせ・記録したことのある端末に限ります（初めての\n端末は --new）。--what がなければ、この端末のOSとメーカーでその項目が表示される場所を記録します。以後の点検は\nこの事実を実測として扱い、どのレポートにも人が入力したこと、誰がいつ入力したかを示します。",
        "The phone, by its IMEI.": "端末をIMEIで指定します。",
        "The phone, by its serial number.": "端末をシリアル番号で指定します。",
        "grade: an item that failed (画面割れ, カメラ不良); repeat for each. A J grade needs one.": (
            "grade：不良（NG）項目（画面割れ、カメラ不良）。項目ごとに繰り返します。Jには1つ以上必要です。"
        ),
        "grade: a note on the grade (why it is junk, the scratches seen).": (
            "grade：グレードの補足（ジャンクの理由、見つかった傷など）。"
        ),
        "grade: a photo of the phone; repeat for each. Kept in the store with its sha256.": (
            "grade：端末の写真。写真ごとに繰り返します。sha256とともに保存します。"
        ),
        "Who read it (default: the user running tenken).": "読み取った人（既定：tenkenを実行しているユーザー）。",
        "A screenshot or photo of what was read; kept in the store with its sha256.": "読み取った内容のスクリーンショットまたは写真。sha256とともに保存します。",
        "Print what was recorded as JSON.": "記録した内容をJSONで出力します。",
        "Judge saved inspections again under a policy and print them as `tenken inspect` would.\n\nEach keeps its facts and carrier answers as they were read; only the verdict is new, and it names\nthe policy (and its sha256) that gave it. Exit codes as `tenken inspect`.": "保存した点検結果をポリシーで判定し直し、`tenken inspect` と同じ形で表示します。\n\n各点検は読み取ったときの項目とキャリア回答のままで、判定だけが新しくなり、判定したポリシー（とそのsha256）を\n示します。終了コードは `tenken inspect` と同じです。",
        "A file `tenken inspect --json` wrote ('-' reads stdin).": "`tenken inspect --json` が書いたファイル（'-' で標準入力）。",
        "The policy to judge under (default: the `policy` setting, else the one shipped with tenken).": "判定に使うポリシー（既定：設定の `policy`、なければtenken付属のもの）。",
        "Every phone in full.": "各端末をすべて表示します。",
        "The inspections, judged again, as JSON.": "判定し直した点検結果をJSONで出力します。",
        "Print the JSON Schema of a document: inspect (inspect --json), report (report --json), lookup\n(lookup --json), export (export --format json), export-row (one line of --format jsonl), history,\nwatch (watch --once --json), watch-line (a line of watch --jsonl, and a webhook's body), recheck,\ndoctor, doctor-carriers (doctor --carriers --json).": "文書のJSONスキーマ（JSON Schema）を出力します：inspect（inspect --json）、report（report --json）、lookup\n（lookup --json）、export（export --format json）、export-row（--format jsonl の1行）、history、watch\n（watch --once --json）、watch-line（watch --jsonl の1行、Webhookの本文）、recheck、doctor、doctor-carriers\n（doctor --carriers --json）。",
        "Write every schema into this folder as NAME.schema.json instead of printing one.": "1つ表示する代わりに、すべてのスキーマをこのフォルダーに NAME.schema.json として書き出します。",
        "Simulators that speak the real protocols, on 127.0.0.1 only.": "実際のプロトコルを話すシミュレーター（127.0.0.1のみ）。",
        "Emulate adbd phones on 127.0.0.1 and register them with the adb server (`adb connect`).\n\nPrints one line per phone (adb serial, model, profile), then how to point adb and tenken at the\nserver, and keeps running; attach and detach phones with lines on standard input (attach PROFILE,\ndetach SERIAL, unplug SERIAL, list, quit).": "127.0.0.1でadbd端末をシミュレートし、adbサーバーに登録します（`adb connect`）。\n\n端末ごとに1行（adbシリアル、機種、プロファイル）を表示し、adbとtenkenをサーバーに向ける方法を示して動き続けます。\n標準入力の行で端末を接続・切断します（attach プロファイル、detach シリアル、unplug シリアル、list、quit）。",
        "A phone to attach: bundled name or profile file (TOML, JSON, raw getprop dump). Repeatable. Default: every bundled profile.": "接続する端末：付属のプロファイル名、またはプロファイルファイル（TOML、JSON、getpropの生ダンプ）。複数指定可。\n既定：付属のプロファイルすべて。",
        "First TCP port for the simulated phones (0 = any free port).": "シミュレーター端末の最初のTCPポート（0 = 空いているポート）。",
        "The adb server to register with (default: android.adb_port, else $ANDROID_ADB_SERVER_PORT, else 5037).": "登録先のadbサーバー（既定：android.adb_port、なければ $ANDROID_ADB_SERVER_PORT、なければ 5037）。",
        "adb binary that starts the server when none runs (default: android.adb_path, else the adb bundled with adbutils).": "サーバーが動いていないときに起動するadb（既定：android.adb_path、なければadbutils付属のadb）。",
        "Print the bundled profile names and exit.": "付属のプロファイル名を表示して終了します。",
        "Serve docomo, au, SoftBank and Rakuten checkers on 127.0.0.1 at their real paths.\n\nWithout --rules, the bundled phones get the answers `tenken demo` shows (the bundled rules file);\nfor any other IMEI the second-to-last digit picks the carrier that sold it (0-2 docomo, 3-5 au,\n6-7 SoftBank, 8 Rakuten, 9 none) and the third-to-last its mark (7 △, 8 ×, otherwise ○); every\nother carrier answers −.": "ドコモ、au、ソフトバンク、楽天モバイルの確認サイトを、本物と同じパスで127.0.0.1に用意します。\n\n--rules がなければ、付属の端末には `tenken demo` で見せる回答を返します（付属のルールファイル）。それ以外の\nIMEIは、下から2桁目が販売したキャリア（0-2 ドコモ、3-5 au、6-7 ソフトバンク、8 楽天モバイル、9 なし）を、\n下から3桁目が判定（7 △、8 ×、それ以外 ○）を決め、他のキャリアはすべて − を返します。",
        "Port on 127.0.0.1 (0 = any free).": "127.0.0.1のポート（0 = 空いているポート）。",
        "Rules TOML file.": "ルールのTOMLファイル。",
        "Make a site misbehave: MODE is one of maintenance, 503, 429, slow, captcha, changed, js-only, form-loop, hostile, other-imei, not-found-status, redirect-away, mark-in-sentence, duplicate-keys, error-beside-status, huge, waf, browser_only (repeatable).": "サイトに不具合を起こさせます：MODE は maintenance、503、429、slow、captcha、changed、js-only、form-loop、hostile、\nother-imei、not-found-status、redirect-away、mark-in-sentence、duplicate-keys、error-beside-status、huge、\nwaf、browser_only のいずれか（複数指定可）。",
        "Emulate usbmuxd with simulated iPhones on 127.0.0.1.": "127.0.0.1でusbmuxdとシミュレーターのiPhoneを動かします。",
        "A profile file (TOML, JSON, `ideviceinfo -x` plist or `ideviceinfo` text) or a bundled profile name; repeatable. Default: every bundled profile.": "プロファイルファイル（TOML、JSON、`ideviceinfo -x` のplist、`ideviceinfo` のテキスト）または付属のプロファイル名。\n複数指定可。既定：付属のプロファイルすべて。",
        "Phones per profile, each with its own UDID, serial and IMEI.": "プロファイルごとの台数（それぞれ別のUDID、シリアル番号、IMEI）。",
        "TCP port on 127.0.0.1 (0: any free port).": "127.0.0.1のTCPポート（0：空いているポート）。",
        "Per-round-trip latency for every phone (overrides the profiles).": "すべての端末の往復ごとの遅延（ミリ秒、プロファイルの値より優先）。",
        "List the bundled profiles and exit.": "付属のプロファイルを一覧して終了します。",
        "The udev rule that lets the station's user open Android phones (iPhones need none: usbmuxd\nships its own).": "ステーションのユーザーがAndroid端末を開けるようにするudevルール（iPhoneは不要：usbmuxdが自前のルールを持ちます）。",
        "Write the rule (needs root), reload udev and re-trigger USB devices.": "ルールを書き込み（root権限が必要）、udevを再読み込みしてUSB機器を再認識させます。",
        "Where udev reads rules from.": "udevがルールを読むフォルダー。",
        "Print the rule (to review it, or to install it by hand).": "ルールを表示します（確認のため、または手でインストールするため）。",
        "Check a certificate against the store: the inspection it names, its record hash (computed again\nfrom the stored inspection and the sha256 of its evidence pages, each recomputed from the stored\npage), every value on it, and then the whole page: it must be the certificate rendered again from the\nstore, whitespace aside (re-indented or CRLF copies verify; anything added, removed or restyled does\nnot).\n\n\x08\nExit codes:\n  0   the certificate is what the store renders, and the evidence pages are unaltered\n  1   it is not, or the store cannot vouch for a row it rests on (one line says where and what)\n  5   a row it rests on (the inspection, a carrier's answer, the certificate's own) was changed in the\n      database after its station signed it\n  65  the file is not a tenken certificate; 66 it cannot be read, or the inspection is not stored\n  74  the database failed": "点検証明書を保存データと照合します：示された点検、記録のハッシュ（保存された点検と、保存ページから計算し直した\n証拠ページのsha256から再計算）、証明書のすべての値、そしてページ全体：保存データから描き直した証明書と、\n空白を除いて一致しなければなりません（字下げし直したものやCRLFのコピーは一致、追加・削除・装飾の変更は不一致）。\n\n\x08\n終了コード：\n  0   保存データから描いた証明書と一致し、証拠ページも改変なし\n  1   一致しない、または根拠の行を保証できない（どこが何と違うかを1行で表示）\n  5   根拠の行（点検、キャリアの回答、証明書自身の行）が、ステーションの署名後にデータベースで書き換えられた\n  65  tenkenの点検証明書ではない。66 読めない、または点検が保存されていない\n  74  データベースの障害",
        "Follow phones plugged in and out (iPhones through usbmuxd, Android phones through adb), inspect\neach once per plug, and show a board with a row per hub port. Every result is stored, and sent to\n`webhook.url` when one is set. Ctrl-C (or SIGTERM) stops: each phone's last inspection is kept.\n\n\x08\nExit code: 0 when stopped. With --once, as `tenken inspect`:\n  0 sellable, 1 blocked or parts, 3 could not read or ask, 4 no phone, 2 hold.": "端末の抜き差しを追い（iPhoneはusbmuxd、Android端末はadb経由）、差すたびに1回点検し、ハブのポートごとに1行の\nボードを表示します。結果はすべて保存し、`webhook.url` があれば送信します。Ctrl-C（またはSIGTERM）で停止：\n各端末の最後の点検は保存されます。\n\n\x08\n終了コード：停止時は 0。--once では `tenken inspect` と同じく：\n  0 販売可、1 販売不可または部品取り、3 読み取り・問い合わせ不可、4 端末なし、2 保留。",
        "Inspect the phones attached now, wait until each has its result (or --timeout), and exit with the verdict's exit code.": "いま接続されている端末を点検し、それぞれの結果が出るまで（または --timeout まで）待ち、判定の終了コードで終了します。",
        "With --once: stop waiting after this many seconds (a phone still waiting for Trust or unlock is then kept as HOLD).": "--once のとき：この秒数で待つのをやめます（信頼やロック解除を待っている端末は保留として記録します）。",
        "Which phones to follow.": "対象にする端末。",
        "The sales channel the board and exit code focus on.": "ボードと終了コードの基準にする販売チャネル。",
        "With --once: every result as one JSON object at the end.": "--once のとき：すべての結果を最後に1つのJSONオブジェクトで出力します。",
        "One JSON line per stored inspection, as it is stored (the webhook's body); the board goes to stderr.": "保存した点検ごとにJSONを1行、保存した時点で出力します（Webhookの本文と同じ）。ボードは標準エラーに出します。",
    }
)

# tenken serve and tenken user (issue 17: the station in a browser)
HELP_JA.update(
    {
        "Run the station and serve its page: the board (one tile per port, live), each phone in full, what\nneeds the technician with the form that finishes it, search, and the re-check queue. JSON for other\ntools at /api/board and /api/queue (docs/serve.md).\n\nOnly 127.0.0.1 is served unless --host names another address; then users must exist (`tenken user\nadd NAME`) and log in. Ctrl-C (or SIGTERM) stops: each phone's last inspection is kept.": "ステーションを動かし、そのページを提供します：ボード（ポートごとのタイル、ライブ更新）、各端末の詳細、\n技術者の対応待ちとそれを済ませるフォーム、検索、再確認の一覧。他のツール向けのJSONは /api/board と\n/api/queue にあります（docs/serve.md）。\n\n--host で別のアドレスを指定しない限り 127.0.0.1 だけで提供します。指定した場合はユーザーが必要で\n（`tenken user add NAME`）、ログインを求めます。Ctrl-C（またはSIGTERM）で停止：各端末の最後の点検は保存されます。",
        "The address to serve on.": "提供するアドレス。",
        "The port (0: any free one).": "ポート（0：空いているポート）。",
        "Seconds the assisted browser check waits for each answer (the queue page's browser button).": (
            "ブラウザ照会（対応待ちページのブラウザボタン）が回答ごとに待つ秒数。"
        ),
        "The assisted browser check without a window (tests and CI only: nobody can read a CAPTCHA there).": (
            "ブラウザ照会をウィンドウなしで行います（テストと自動検証専用：画像認証は誰も読めません）。"
        ),
        "The sales channel the board counts.": "ボードが集計する販売チャネル。",
        "Users who may log in to `tenken serve` when it serves beyond 127.0.0.1.": "`tenken serve` が 127.0.0.1 の外にも提供するときにログインできるユーザー。",
        "Add a user NAME; the password is asked for twice (not shown), or read from standard input.": "ユーザー NAME を追加します。パスワードは2回たずねます（表示しません）。標準入力から読むこともできます。",
        "Read the password from standard input (one line) instead of asking for it twice.": "パスワードを2回たずねる代わりに、標準入力から（1行）読みます。",
        "List the users, one name a line.": "ユーザーを1行に1人ずつ一覧します。",
        "Remove the user NAME (a page they are logged in on asks for a login at its next restart).": "ユーザー NAME を削除します（ログイン中のページは次の再起動でログインを求めます）。",
    }
)


# tenken label (label-19: a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "Write the label (値札・管理ラベル) of a phone's newest inspection, or of the inspection with that id:\n"
        "model and capacity, colour, grade, each carrier's mark with its day, battery, the level on the shop's\n"
        "main channel, stock number and a QR code of the certificate's verify address (or its record hash),\n"
        "printed by Chromium to a PDF of the label's size. In Japanese unless `lang` says English.": "端末の最新の"
        "点検、またはそのIDの点検の値札・管理ラベルを出力します：機種と容量、カラー、グレード、キャリアごとの判定と\n"
        "その日付、バッテリー、店舗の主な販売チャネルでの判定、管理番号、証明書の検証ページ（または記録のハッシュ）の\n"
        "QRコード。Chromiumでラベルの大きさのPDFに印刷します。`lang` が英語でなければ日本語で書きます。",
        "The PDF to write (default: tenken-label-….pdf in the current folder).": "書き出すPDF（既定：現在の"
        "フォルダーの `tenken-label-….pdf`）。",
        "The label's width x height in mm: 62x100 (Brother DK-11202), 29x90 (DK-11201), … (default: the "
        "label.size setting, 62x100).": "ラベルの幅×高さ（ミリ）：`62x100`（ブラザー `DK-11202`）、"
        "`29x90`（`DK-11201`）など（既定：設定 label.size、`62x100`）。",
        "Also send it to the CUPS printer label.printer (lp).": "設定 label.printer のCUPSプリンターにも送ります"
        "（`lp`）。",
        "The sales channel whose level is on the label (default: label.channel).": "ラベルに判定を載せる販売"
        "チャネル（既定：設定 label.channel）。",
    }
)
